// Pieces every board view shares: header with connection and timer, phase stepper,
// score, prompt with its blank, column colours, announcements for screen readers.

import { downloadExport } from "../api.js";
import { h, render } from "../dom.js";
import { lang, t, toggleLang } from "../i18n.js";
import { currentPhase } from "../state.js";

/** Okabe-Ito: eight colours people with colour-vision deficiencies can tell apart. */
export const PALETTE = [
  { bg: "#E69F00", fg: "#000" }, // orange
  { bg: "#56B4E9", fg: "#000" }, // sky blue
  { bg: "#009E73", fg: "#fff" }, // bluish green
  { bg: "#F0E442", fg: "#000" }, // yellow
  { bg: "#0072B2", fg: "#fff" }, // blue
  { bg: "#D55E00", fg: "#fff" }, // vermillion
  { bg: "#CC79A7", fg: "#000" }, // reddish purple
  { bg: "#000000", fg: "#fff" }, // black
];

export function colourClass(number) {
  return `col-c${(Math.max(1, number) - 1) % PALETTE.length}`;
}

/** A column's badge: its colour and its number, so colour is never the only cue. */
export function columnBadge(number, { large = false } = {}) {
  return h("span", { class: ["col-badge", colourClass(number), large && "col-badge-lg"] }, String(number));
}

export function columnName(number) {
  return t("board.column", { n: number });
}

/** A column as people call it: the name it got in the name phase, else "Column N". */
export function columnLabel(column) {
  if (!column) return "?";
  return column.name || columnName(column.number);
}

/** A column's label inside a sentence: a decided name in quotes, else "column N". */
export function columnInSentence(column) {
  if (column && column.name) return t("naming.quoted", { name: column.name });
  return null;
}

export function phaseTitle(phase) {
  if (!phase) return "";
  const key = `phaseType.${phase.type}`;
  const translated = t(key);
  // the game's own title when the game renames a phase; our translation otherwise
  const defaults = { ignite: "Ignite", generate: "Generate", affinity: "Affinity mapping", name: "Name the columns", rank: "Forced ranking", close: "Close" };
  if (phase.title && defaults[phase.type] && phase.title !== defaults[phase.type]) return phase.title;
  return translated === key ? phase.title || phase.id : translated;
}

export function announce(text) {
  const region = document.getElementById("announcer");
  if (!region) return;
  region.textContent = "";
  // a fresh text node after a tick makes screen readers read repeated messages too
  setTimeout(() => {
    region.textContent = text;
  }, 30);
}

export function alertText(text) {
  const region = document.getElementById("alerts");
  if (region) {
    region.textContent = "";
    setTimeout(() => {
      region.textContent = text;
    }, 30);
  }
}

/** A short visible message, announced too; "quiet" is announced to screen readers only. */
export function toast(text, kind = "info") {
  const box = document.getElementById("toasts");
  if (kind === "error") alertText(text);
  else announce(text);
  if (!box || kind === "quiet") return;
  const item = h("div", { class: ["toast", `toast-${kind}`], text });
  box.appendChild(item);
  setTimeout(() => item.classList.add("toast-out"), kind === "error" ? 6000 : 2800);
  setTimeout(() => item.remove(), kind === "error" ? 6600 : 3400);
  while (box.children.length > 2) box.firstChild.remove();
}

/**
 * A sentence for an error, in the page's language. Known codes never show the server's
 * raw message (it is English and technical); only an unknown code falls back to it.
 */
export function errorText(error) {
  if (!error) return "";
  if (error.code === "network") return t("err.network");
  const key = `error.${error.code}`;
  const ids = error.details?.note_ids;
  const params = Array.isArray(ids) ? { n: ids.length } : {};
  if (typeof error.details?.max_columns === "number") params.max = error.details.max_columns;
  const known = t(key, params);
  if (known !== key) return known;
  return t("err.generic", { message: error.message || error.code });
}

export function formatSeconds(seconds) {
  const s = Math.max(0, Math.round(seconds));
  const m = Math.floor(s / 60);
  const rest = String(s % 60).padStart(2, "0");
  if (m >= 60) return `${Math.floor(m / 60)}:${String(m % 60).padStart(2, "0")}:${rest}`;
  return `${m}:${rest}`;
}

export function connectionIndicator(conn) {
  const status = conn.status === "online" ? "online" : conn.status === "offline" ? "offline" : "connecting";
  const label = t(`conn.${status}`);
  return h(
    "span",
    {
      class: ["conn", `conn-${status}`],
      attrs: { role: "status", "aria-label": t("conn.label", { state: label }) },
      dataset: { conn: status },
    },
    h("span", { class: "conn-dot", attrs: { "aria-hidden": "true" } }),
    h("span", { class: "conn-text", text: label }),
  );
}

export function timerDisplay(conn, { large = false } = {}) {
  const left = conn.timeLeft();
  if (left === null) return null;
  return h(
    "span",
    {
      class: ["timer", left === 0 && "timer-over", left > 0 && left <= 30 && "timer-soon", large && "timer-lg"],
      attrs: { role: "timer", "aria-label": t("timer.label") },
      dataset: { timer: "" },
    },
    left === 0 ? t("timer.over") : t("timer.left", { time: formatSeconds(left) }),
  );
}

export function langButton(onChange) {
  return h("button", {
    class: "btn btn-quiet lang-switch",
    type: "button",
    text: t("lang.switch"),
    fkey: "lang",
    attrs: { "aria-label": t("lang.switchLabel"), lang: lang() === "de" ? "en" : "de" },
    on: {
      click: () => {
        toggleLang();
        onChange?.();
      },
    },
  });
}

/** The top bar: title, role, phase, timer, connection, language. */
export function header(conn, { role, onLang } = {}) {
  const state = conn.state;
  const phase = state ? currentPhase(state) : null;
  return h(
    "header",
    { class: "topbar" },
    h(
      "div",
      { class: "topbar-title" },
      h("span", { class: "brand", attrs: { "aria-hidden": "true" } }),
      h("span", { class: "board-title", text: state ? state.board.title : t("app.name") }),
      role ? h("span", { class: "role-chip", text: t(`role.${role}`) }) : null,
    ),
    h(
      "div",
      { class: "topbar-status" },
      phase ? h("span", { class: "phase-chip", dataset: { phase: phase.id } }, phaseTitle(phase)) : null,
      h("span", { class: "timer-slot", dataset: { timerSlot: "" } }, timerDisplay(conn)),
      connectionIndicator(conn),
      langButton(onLang),
    ),
  );
}

/** The stepper: every phase, the current one marked, done ones ticked. */
export function phaseStepper(state, { compact = false } = {}) {
  const phases = state.board.game.phases;
  return h(
    "ol",
    { class: ["stepper", compact && "stepper-compact"], attrs: { "aria-label": t("phase.of", { n: state.phase_index + 1, total: phases.length }) } },
    phases.map((phase, i) =>
      h(
        "li",
        {
          class: ["step", i < state.phase_index && "step-done", i === state.phase_index && "step-current"],
          attrs: { "aria-current": i === state.phase_index ? "step" : null },
        },
        h("span", { class: "step-num", attrs: { "aria-hidden": "true" } }, i < state.phase_index ? "✓" : String(i + 1)),
        h("span", { class: "step-name", text: phaseTitle(phase) }),
        i < state.phase_index ? h("span", { class: "visually-hidden", text: ` (${t("phase.done")})` }) : null,
        i === state.phase_index ? h("span", { class: "visually-hidden", text: ` (${t("phase.now")})` }) : null,
      ),
    ),
  );
}

/** What this phase is for and what the viewer may do now. */
export function phaseCard(state, role) {
  const phase = currentPhase(state);
  const total = state.board.game.phases.length;
  const may = role === "facilitator" || role === "participant" ? t(`may.${role}.${phase.type}`) : null;
  return h(
    "section",
    { class: "phase-card", attrs: { "aria-labelledby": "phase-heading" } },
    h("p", { class: "phase-count", text: t("phase.of", { n: state.phase_index + 1, total }) }),
    h("h2", { id: "phase-heading", class: "phase-title", text: phaseTitle(phase) }),
    h("p", { class: "phase-purpose", text: t(`purpose.${phase.type}`) }),
    may ? h("p", { class: "phase-may", text: may }) : null,
  );
}

/** Split a prompt at its blank (three or more underscores). */
export function promptParts(prompt) {
  if (!prompt) return null;
  const match = /_{3,}/.exec(prompt);
  if (!match) return { before: prompt, after: "", hasBlank: false };
  return {
    before: prompt.slice(0, match.index),
    after: prompt.slice(match.index + match[0].length),
    hasBlank: true,
  };
}

/** The prompt, with the blank shown as a gap (or filled with `fill`). */
export function promptText(prompt, { fill = null, large = false } = {}) {
  if (!prompt) return h("p", { class: "prompt prompt-empty", text: t("prompt.none") });
  const parts = promptParts(prompt);
  if (!parts.hasBlank) return h("p", { class: ["prompt", large && "prompt-lg"], text: prompt });
  return h(
    "p",
    { class: ["prompt", large && "prompt-lg"] },
    parts.before,
    fill === null
      ? h("span", { class: "blank", attrs: { "aria-label": "blank" } }, "______")
      : h("mark", { class: "fill", text: fill }),
    parts.after,
  );
}

/** The sentence a note completes: the prompt with the note's text in the blank. */
export function filledSentence(prompt, text) {
  const parts = promptParts(prompt);
  if (!parts || !parts.hasBlank) return h("span", { class: "note-text", text });
  return h(
    "span",
    { class: "note-text" },
    h("span", { class: "note-frame", text: parts.before }),
    h("strong", { text }),
    h("span", { class: "note-frame", text: parts.after }),
  );
}

/** The score every player should see: people, notes, sorted, rankings. */
export function scoreBoard(conn, { large = false } = {}) {
  const state = conn.state;
  const counts = state.counts;
  const online = conn.presence?.participants_online;
  const phaseType = currentPhase(state).type;
  const items = [
    [online ?? "–", t("score.online"), "online"],
    [counts.participants, t("score.participants", { n: counts.participants }), "participants"],
    [counts.notes, t("score.notes", { n: counts.notes }), "notes"],
  ];
  if (["affinity", "rank", "close"].includes(phaseType)) items.push([`${counts.sorted}/${counts.notes}`, t("score.sorted"), "sorted"]);
  // people who ranked, not rankings (one per person and criterion): "4 of 4 have ranked"
  if (["rank", "close"].includes(phaseType)) {
    items.push([t("score.rankedValue", { n: counts.rankers, total: counts.participants }), t("score.ranked"), "rankers"]);
  }
  return h(
    "dl",
    { class: ["score", large && "score-lg"], attrs: { "aria-label": t("score.title") } },
    items.map(([value, label, key]) =>
      h("div", { class: "score-item", dataset: { score: key } }, h("dt", { text: label }), h("dd", { text: String(value) })),
    ),
  );
}

/** Bring the numbers of a score shown inside `root` up to date, in place. */
export function refreshScore(root, conn, options = {}) {
  const fresh = scoreBoard(conn, options);
  for (const item of fresh.querySelectorAll("[data-score]")) {
    const dd = root.querySelector(`[data-score="${item.dataset.score}"] dd`);
    const text = item.querySelector("dd").textContent;
    if (dd && dd.textContent !== text) dd.textContent = text;
  }
}

/** Keep the timer text ticking without re-rendering the whole view. */
export function startTimerTicker(conn) {
  return setInterval(() => {
    for (const slot of document.querySelectorAll("[data-timer-slot]")) {
      const large = slot.dataset.timerLarge === "true";
      const next = timerDisplay(conn, { large });
      const now = slot.firstElementChild;
      if (!next && !now) continue;
      if (next && now && next.textContent === now.textContent) continue;
      slot.replaceChildren(...(next ? [next] : []));
    }
  }, 500);
}

export function noAccess(boardId, { code } = {}) {
  return h(
    "section",
    { class: "panel narrow" },
    h("h1", { text: t("err.noToken") }),
    h("p", {}, h("a", { class: "btn btn-primary", href: code ? `/join/${encodeURIComponent(code)}` : "/", text: t("err.noTokenJoin") })),
  );
}

export function unauthorized(code) {
  return h(
    "section",
    { class: "panel narrow" },
    h("h1", { text: t("err.unauthorized") }),
    h("p", {}, h("a", { class: "btn btn-primary", href: code ? `/join/${encodeURIComponent(code)}` : "/", text: t("err.noTokenJoin") })),
  );
}

const HOLDING_FIELDS =
  "textarea, select, input:not([type=checkbox]):not([type=radio]):not([type=button]):not([type=submit])";

/**
 * A part of the page that re-renders on its own. While someone types in one of its
 * fields (or has a select open, or drags), it waits and catches up when they leave.
 */
export class Region {
  constructor(el, build, { hold = () => false } = {}) {
    this.el = el;
    this.build = build;
    this.hold = hold;
    this.dirty = false;
    el.addEventListener("focusout", () => {
      setTimeout(() => {
        if (this.dirty) this.update();
      }, 0);
    });
  }

  update({ force = false } = {}) {
    const active = document.activeElement;
    // an empty field marked so (the name phase's) does not hold: nothing typed to lose
    const idle = active?.value === "" && active.closest?.("[data-refresh-when-empty]");
    const typing = active && this.el.contains(active) && active.matches(HOLDING_FIELDS) && !idle;
    if (!force && (this.hold() || typing)) {
      this.dirty = true;
      return;
    }
    this.dirty = false;
    const built = this.build();
    // a view that keeps its own element current (views/affinity.js) returns that same
    // element: leave it in place rather than re-inserting it
    if (built instanceof Node && this.el.childNodes.length === 1 && this.el.firstChild === built) return;
    render(this.el, built);
  }
}

/** Coalesce many state changes into one render per animation frame. */
export function frameScheduler(fn) {
  let queued = false;
  return () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      fn();
    });
  };
}

// issue-15: exports: XLSX, a calendar of the decision dates, and a CSV for German Excel
// (";" with the board language's decimal mark).
const EXPORT_CHOICES = [
  { format: "html" },
  { format: "md" },
  { format: "xlsx" },
  { format: "csv" },
  { format: "csv", label: "results.exportCsvSemicolon", params: { sep: ";" } },
  { format: "ics", label: "results.exportIcs" },
  { format: "json" },
];

// The download buttons for every export format; the console and the results page share them.
export function exportButtons(boardId, token, { extra = null } = {}) {
  return h(
    "section",
    { class: "results-block exports", attrs: { "aria-labelledby": "exp-h" } },
    h("h2", { id: "exp-h", text: t("results.export") }),
    h(
      "div",
      { class: "button-row" },
      EXPORT_CHOICES.map(({ format, label, params }) =>
        h("button", {
          type: "button",
          class: "btn btn-secondary btn-small",
          text: label ? t(label) : format.toUpperCase(),
          on: {
            click: async () => {
              try {
                await downloadExport(boardId, format, token, params);
              } catch (error) {
                toast(errorText(error), "error");
              }
            },
          },
        }),
      ),
      extra,
    ),
  );
}
