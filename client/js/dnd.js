// Drag and drop with Pointer Events: one code path for mouse, touch and pen.
//
// Items carry data-drag-id; drop zones carry data-drop (any string) and hold items in a
// vertical list. Mouse drags start anywhere on an item (except its controls); touch and
// pen drags start on the item's [data-drag-handle], which has `touch-action: none`, so
// the rest of the page still scrolls with a finger. Escape cancels a drag. The drop
// index is counted without the dragged item, as note.move's `index` is.

const THRESHOLD_PX = 6;
const EDGE_PX = 56;
const CONTROLS = "button, select, input, textarea, a, label, [contenteditable]";

/**
 * Enable dragging inside `root`.
 * options.onDrop({id, zone, index}) is called on a successful drop.
 * options.onActive(bool) tells when a drag starts or ends (to hold back re-renders).
 * Returns a function that removes the listeners.
 */
export function enableDrag(root, { onDrop, onActive = () => {} }) {
  let drag = null;

  function onPointerDown(event) {
    if (event.button !== 0 && event.pointerType === "mouse") return;
    const item = event.target.closest("[data-drag-id]");
    if (!item || !root.contains(item) || item.dataset.dragDisabled === "true") return;
    const onHandle = event.target.closest("[data-drag-handle]");
    if (event.pointerType !== "mouse" && !onHandle) return;
    // a control marked data-drag-ok (a card's own text button) still starts a mouse drag
    const control = event.target.closest(CONTROLS);
    if (!onHandle && control && !control.matches("[data-drag-ok]")) return;
    drag = {
      item,
      id: item.dataset.dragId,
      pointerId: event.pointerId,
      startX: event.clientX,
      startY: event.clientY,
      x: event.clientX,
      y: event.clientY,
      started: false,
      ghost: null,
      marker: null,
      zone: null,
      index: 0,
      offsetX: 0,
      offsetY: 0,
      frame: 0,
    };
    if (onHandle) event.preventDefault();
    // hold re-renders from the press on, so the pressed element stays in the page
    onActive(true);
    window.addEventListener("pointermove", onPointerMove, { passive: false });
    window.addEventListener("pointerup", onPointerUp);
    window.addEventListener("pointercancel", cancel);
    window.addEventListener("keydown", onKeyDown, true);
  }

  function begin() {
    const rect = drag.item.getBoundingClientRect();
    drag.offsetX = drag.startX - rect.left;
    drag.offsetY = drag.startY - rect.top;
    const ghost = drag.item.cloneNode(true);
    ghost.removeAttribute("id");
    ghost.querySelectorAll("[id]").forEach((el) => el.removeAttribute("id"));
    ghost.classList.add("drag-ghost");
    ghost.setAttribute("aria-hidden", "true");
    ghost.style.width = `${rect.width}px`;
    document.body.appendChild(ghost);
    drag.ghost = ghost;
    drag.marker = document.createElement("div");
    drag.marker.className = "drop-marker";
    drag.marker.setAttribute("aria-hidden", "true");
    drag.item.classList.add("is-dragging");
    document.body.classList.add("dragging-active");
    drag.started = true;
    drag.frame = requestAnimationFrame(tick);
  }

  function onPointerMove(event) {
    if (!drag || event.pointerId !== drag.pointerId) return;
    drag.x = event.clientX;
    drag.y = event.clientY;
    if (!drag.started) {
      if (Math.hypot(drag.x - drag.startX, drag.y - drag.startY) < THRESHOLD_PX) return;
      begin();
    }
    event.preventDefault();
    place();
  }

  function place() {
    drag.ghost.style.transform = `translate(${drag.x - drag.offsetX}px, ${drag.y - drag.offsetY}px)`;
    const under = document.elementFromPoint(drag.x, drag.y);
    const zone = under ? under.closest("[data-drop]") : null;
    document.querySelectorAll(".drop-target").forEach((el) => el.classList.remove("drop-target"));
    if (!zone || !root.contains(zone)) {
      drag.zone = null;
      drag.marker.remove();
      return;
    }
    zone.classList.add("drop-target");
    const list = zone.querySelector("[data-drop-list]") || zone;
    const items = [...list.querySelectorAll(":scope > [data-drag-id]")].filter(
      (el) => el !== drag.item,
    );
    let index = items.length;
    for (let i = 0; i < items.length; i++) {
      const rect = items[i].getBoundingClientRect();
      if (drag.y < rect.top + rect.height / 2) {
        index = i;
        break;
      }
    }
    drag.zone = zone;
    drag.index = index;
    const before = items[index] || null;
    if (before) list.insertBefore(drag.marker, before);
    else list.appendChild(drag.marker);
  }

  // Scroll the page (or the zone's scroll box) while the pointer rests near an edge.
  function tick() {
    if (!drag || !drag.started) return;
    let dy = 0;
    if (drag.y < EDGE_PX) dy = -Math.ceil((EDGE_PX - drag.y) / 4);
    else if (drag.y > window.innerHeight - EDGE_PX) {
      dy = Math.ceil((drag.y - (window.innerHeight - EDGE_PX)) / 4);
    }
    if (dy) {
      window.scrollBy(0, dy);
      place();
    }
    drag.frame = requestAnimationFrame(tick);
  }

  function onPointerUp(event) {
    if (!drag || event.pointerId !== drag.pointerId) return;
    const finished = drag.started && drag.zone ? { id: drag.id, zone: drag.zone.dataset.drop, index: drag.index } : null;
    const wasStarted = drag.started;
    cleanup();
    if (wasStarted) {
      // a drag is not a click on whatever lies under the pointer
      window.addEventListener("click", swallow, { capture: true, once: true });
      setTimeout(() => window.removeEventListener("click", swallow, { capture: true }), 0);
    }
    if (finished) onDrop(finished);
  }

  function onKeyDown(event) {
    if (event.key === "Escape" && drag) {
      event.preventDefault();
      cancel();
    }
  }

  function cancel() {
    cleanup();
  }

  function cleanup() {
    if (!drag) return;
    cancelAnimationFrame(drag.frame);
    drag.ghost?.remove();
    drag.marker?.remove();
    drag.item.classList.remove("is-dragging");
    document.querySelectorAll(".drop-target").forEach((el) => el.classList.remove("drop-target"));
    document.body.classList.remove("dragging-active");
    drag = null;
    window.removeEventListener("pointermove", onPointerMove);
    window.removeEventListener("pointerup", onPointerUp);
    window.removeEventListener("pointercancel", cancel);
    window.removeEventListener("keydown", onKeyDown, true);
    onActive(false);
  }

  root.addEventListener("pointerdown", onPointerDown);
  return () => {
    cleanup();
    root.removeEventListener("pointerdown", onPointerDown);
  };
}

function swallow(event) {
  event.stopPropagation();
  event.preventDefault();
}
