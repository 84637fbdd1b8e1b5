// Pure helpers for the ranking's working order (no DOM, no i18n), so the views and the
// Node tests share them: a strict order of candidate column ids, best first.

/** A stable shuffle per person and criterion, so no column wins by being listed first. */
export function seededOrder(ids, seedText) {
  let seed = 2166136261;
  for (const ch of seedText) seed = Math.imul(seed ^ ch.charCodeAt(0), 16777619) >>> 0;
  const rand = () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
  const out = [...ids];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/**
 * A new order with `id` at `place` (1 = first), the others keeping their order.
 * A place outside 1..length is clamped; an id not in the order gives a copy unchanged.
 */
export function moveTo(order, id, place) {
  const from = order.indexOf(id);
  if (from < 0) return [...order];
  const next = order.filter((x) => x !== id);
  const wanted = Number.isFinite(place) ? Math.trunc(place) : from + 1;
  const at = Math.min(Math.max(wanted, 1), order.length) - 1;
  next.splice(at, 0, id);
  return next;
}

/** A new order with `id` moved by `delta` places (-1 = up one), clamped at the ends. */
export function moveBy(order, id, delta) {
  const from = order.indexOf(id);
  if (from < 0) return [...order];
  return moveTo(order, id, from + 1 + delta);
}

/** True when `order` holds every candidate exactly once and nothing else. */
export function isStrictOrder(order, candidates) {
  return (
    Array.isArray(order) &&
    order.length === candidates.length &&
    new Set(order).size === order.length &&
    candidates.every((c) => order.includes(c))
  );
}

export function sameOrder(a, b) {
  return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => x === b[i]);
}
