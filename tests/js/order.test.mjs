// The ranking's ordering helpers (client/js/order.js), as the ranking view uses them.
import assert from "node:assert/strict";
import { test } from "node:test";

import { isStrictOrder, moveBy, moveTo, sameOrder, seededOrder } from "../../client/js/order.js";

const fifteen = Array.from({ length: 15 }, (_, i) => `c${i + 1}`);

test("moveTo puts the last of fifteen first in one step, the others keep their order", () => {
  const next = moveTo(fifteen, "c15", 1);
  assert.deepEqual(next, ["c15", ...fifteen.slice(0, 14)]);
  assert.deepEqual(fifteen[0], "c1", "the input is not changed");
});

test("moveTo to a middle place, down and up", () => {
  assert.deepEqual(moveTo(["a", "b", "c", "d", "e"], "a", 3), ["b", "c", "a", "d", "e"]);
  assert.deepEqual(moveTo(["a", "b", "c", "d", "e"], "e", 2), ["a", "e", "b", "c", "d"]);
  assert.deepEqual(moveTo(["a", "b", "c"], "b", 2), ["a", "b", "c"]);
});

test("moveTo clamps places out of range and ignores unknown ids", () => {
  assert.deepEqual(moveTo(["a", "b", "c"], "b", 0), ["b", "a", "c"]);
  assert.deepEqual(moveTo(["a", "b", "c"], "b", 99), ["a", "c", "b"]);
  assert.deepEqual(moveTo(["a", "b", "c"], "b", -4), ["b", "a", "c"]);
  assert.deepEqual(moveTo(["a", "b", "c"], "b", Number.NaN), ["a", "b", "c"]);
  assert.deepEqual(moveTo(["a", "b", "c"], "b", 2.7), ["a", "b", "c"]);
  assert.deepEqual(moveTo(["a", "b", "c"], "zz", 1), ["a", "b", "c"]);
});

test("moveBy moves one place and stops at the ends", () => {
  assert.deepEqual(moveBy(["a", "b", "c"], "c", -1), ["a", "c", "b"]);
  assert.deepEqual(moveBy(["a", "b", "c"], "a", -1), ["a", "b", "c"]);
  assert.deepEqual(moveBy(["a", "b", "c"], "c", 1), ["a", "b", "c"]);
  assert.deepEqual(moveBy(["a", "b", "c"], "a", 1), ["b", "a", "c"]);
});

test("every move keeps a strict order of the candidates", () => {
  let order = [...fifteen];
  for (let i = 0; i < 200; i++) {
    const id = fifteen[(i * 7) % 15];
    order = i % 2 ? moveTo(order, id, (i * 5) % 17) : moveBy(order, id, (i % 5) - 2);
    assert.ok(isStrictOrder(order, fifteen), `after step ${i}: ${order}`);
  }
});

test("isStrictOrder refuses duplicates, gaps and strangers", () => {
  assert.ok(isStrictOrder(["b", "a"], ["a", "b"]));
  assert.ok(!isStrictOrder(["a", "a"], ["a", "b"]));
  assert.ok(!isStrictOrder(["a"], ["a", "b"]));
  assert.ok(!isStrictOrder(["a", "x"], ["a", "b"]));
  assert.ok(!isStrictOrder(null, ["a"]));
});

test("seededOrder is a stable permutation per seed", () => {
  const a = seededOrder(fifteen, "p1:Impact");
  assert.deepEqual(a, seededOrder(fifteen, "p1:Impact"));
  assert.deepEqual([...a].sort(), [...fifteen].sort());
  assert.notDeepEqual(a, seededOrder(fifteen, "p2:Impact"));
  assert.ok(sameOrder(a, [...a]));
});
