// Text fields with a length limit (maxlength) say so while typing: a live counter from
// 80 % of the limit ("950 / 1,000") and a message at the limit, instead of cutting the
// text silently.

import { h } from "../dom.js";
import { lang, t } from "../i18n.js";

const FROM = 0.8;

function number(n) {
  return n.toLocaleString(lang() === "de" ? "de-DE" : "en-GB");
}

/**
 * The counter for `field` (an input or textarea with a limit of `max` characters); put
 * it next to the field. It updates on every input and is announced politely.
 */
export function charCounter(field, max) {
  const id = `${field.id || "field"}-count`;
  const counter = h("p", { id, class: "char-count", hidden: true, dataset: { charCount: "" }, attrs: { "aria-live": "polite" } });
  const described = field.getAttribute("aria-describedby");
  field.setAttribute("aria-describedby", described ? `${described} ${id}` : id);
  const update = () => {
    const length = field.value.length;
    const near = length >= Math.ceil(max * FROM);
    counter.hidden = !near;
    counter.classList.toggle("char-count-full", length >= max);
    if (!near) {
      counter.textContent = "";
      return;
    }
    const count = t("limit.count", { n: number(length), max: number(max) });
    counter.textContent = length >= max ? `${count} · ${t("limit.reached", { max: number(max) })}` : count;
  };
  field.addEventListener("input", update);
  update();
  return counter;
}

/** `[field, its counter]`, to put both where the field goes. */
export function withCounter(field, max) {
  return [field, charCounter(field, max)];
}
