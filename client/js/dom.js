// Building DOM without HTML strings: every text goes in as a text node, never as markup.

/**
 * h("button", {class: "x", on: {click}, attrs: {"aria-label": "..."}}, "text", child)
 * Props: class, text, id, type, value, checked, disabled, hidden, htmlFor, on, attrs,
 * dataset, and `fkey` (a stable key used to give focus back after a re-render).
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    switch (name) {
      case "class":
        el.className = Array.isArray(value) ? value.flat(Infinity).filter(Boolean).join(" ") : value;
        break;
      case "text":
        el.textContent = String(value);
        break;
      case "on":
        for (const [type, handler] of Object.entries(value)) el.addEventListener(type, handler);
        break;
      case "attrs":
        for (const [attr, attrValue] of Object.entries(value)) {
          if (attrValue === undefined || attrValue === null || attrValue === false) continue;
          el.setAttribute(attr, attrValue === true ? "" : String(attrValue));
        }
        break;
      case "dataset":
        for (const [key, dataValue] of Object.entries(value)) el.dataset[key] = String(dataValue);
        break;
      case "fkey":
        el.dataset.fkey = String(value);
        break;
      default:
        el[name] = value;
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else if (child instanceof Node) el.appendChild(child);
    else el.appendChild(document.createTextNode(String(child)));
  }
}

/** Replace the children of `el`, giving focus back to the element with the same fkey. */
export function render(el, ...children) {
  const active = document.activeElement;
  const fkey = active && el.contains(active) ? active.dataset?.fkey : undefined;
  const selection =
    fkey && "selectionStart" in active ? [active.selectionStart, active.selectionEnd] : null;
  el.replaceChildren();
  append(el, children);
  if (fkey) {
    const again = el.querySelector(`[data-fkey="${CSS.escape(fkey)}"]`);
    if (again) {
      again.focus({ preventScroll: true });
      if (selection && "setSelectionRange" in again) {
        try {
          again.setSelectionRange(selection[0], selection[1]);
        } catch {
          // not a text control
        }
      }
    }
  }
}

/** Focus an element found by fkey inside `root` after the next render. */
export function focusKey(root, fkey) {
  const el = root.querySelector(`[data-fkey="${CSS.escape(fkey)}"]`);
  if (el) el.focus();
}

export function visuallyHidden(text) {
  return h("span", { class: "visually-hidden", text });
}
