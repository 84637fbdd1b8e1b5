// Issue 15: the follow-up loop on the results page. Everyone sees each followed item's
// proof of value, measures, status history and decisions, and what became of the parked
// items; the facilitator also gets the forms (proof of value, measure, value, status,
// decision; take up / decline a parked item; start a new board from the parked items).
// Forms are plain <form>s in <details>: keyboard and touch work as everywhere.

import { h } from "../dom.js";
import { formatDate, t } from "../i18n.js";
import { columnById } from "../state.js";
import { DECISIONS, MEASURE_KINDS, POV_STATUSES, columnHistory, fateOf, followedIds, loopFrame, loopItem, parkedIds, waitingIds } from "../followup.js";
import { startWaitingLoop } from "../api.js";
import { columnLabel, errorText, toast } from "./common.js";

function nameOf(state, columnId) {
  return columnLabel(columnById(state, columnId));
}

function placeOf(state, columnId) {
  return state.results?.candidates.find((c) => c.column_id === columnId)?.place ?? "?";
}

/** The fate word in the interface language. */
export function fateText(word) {
  return t(`loop.fate.${word}`);
}

/**
 * options: loopEditable (else editable), ui (drafts live in ui.loop), onLoop(type, frame) -> Promise,
 * onWaitingLoop() -> Promise<created board>
 */
export function followupLoopView(state, options = {}) {
  if (!state.results) return null;
  const editable = Boolean(options.loopEditable ?? options.editable);
  const ui = options.ui ?? {};
  ui.loop ??= { drafts: {}, open: {}, created: [] };
  const followed = followedIds(state);
  const parked = parkedIds(state);
  const waiting = waitingIds(state);
  return h(
    "section",
    { class: "results-block loop", attrs: { "aria-labelledby": "res-loop" }, dataset: { followupLoop: "" } },
    h("h2", { id: "res-loop", text: t("loop.title") }),
    h("p", { class: "muted", text: t("loop.hint") }),
    h("ol", { class: "loop-items" }, followed.map((id) => itemView(state, id, editable, ui, options))),
    parked.length
      ? h(
          "div",
          { class: "loop-parked" },
          h("h3", { text: t("loop.parkedTitle") }),
          h("ul", {}, parked.map((id) => parkedView(state, id, editable, ui, options))),
        )
      : null,
    waitingLoops(state, ui),
    editable && waiting.length
      ? h("button", {
          type: "button",
          class: "btn btn-secondary",
          fkey: "loop-waiting",
          dataset: { loopWaiting: "" },
          text: t("loop.startWaiting", { n: waiting.length }),
          on: { click: () => options.onWaitingLoop?.() },
        })
      : null,
  );
}

function itemView(state, columnId, editable, ui, options) {
  const item = loopItem(state, columnId);
  const fate = fateOf(state, columnId);
  return h(
    "li",
    { class: "loop-item", dataset: { loopItem: columnId, fate } },
    h("h3", {}, `${nameOf(state, columnId)} · ${t("results.place", { n: placeOf(state, columnId) })} `, h("span", { class: "badge loop-fate", text: fateText(fate) })),
    planView(item?.plan),
    measuresView(item?.measures ?? []),
    historyList(state, columnId),
    editable ? forms(state, columnId, item, ui, options) : null,
  );
}

function planView(plan) {
  if (!plan) return h("p", { class: "muted", text: t("loop.noPlan") });
  const where = [plan.place, plan.area, plan.customer].filter(Boolean).join(", ");
  const row = (label, value) => h("div", {}, h("dt", { text: label }), h("dd", { text: value || "–" }));
  return h(
    "dl",
    { class: "followup loop-plan" },
    row(t("loop.where"), where),
    row(t("loop.period"), `${formatDate(plan.start) || "…"} – ${formatDate(plan.end) || "…"}`),
    row(t("loop.steering"), plan.steering),
    row(t("loop.decideOn"), formatDate(plan.decide_on)),
  );
}

function measuresView(measures) {
  if (!measures.length) return null;
  return h(
    "ul",
    { class: "loop-measures" },
    measures.map((m) =>
      h(
        "li",
        { dataset: { measure: m.measure_id } },
        `${m.label} (${t(`loop.kind.${m.kind}`)}): ${t("loop.target")} ${m.target}${m.unit ? ` ${m.unit}` : ""}`,
        m.values.length ? ` — ${m.values.map((v) => `${formatDate(v.on)}: ${v.value}`).join("; ")}` : "",
      ),
    ),
  );
}

/** Dated status updates and decisions (and parked fates) of one column, oldest first. */
export function historyList(state, columnId) {
  const entries = columnHistory(state, columnId);
  if (!entries.length) return null;
  return h(
    "ul",
    { class: "loop-history", dataset: { history: columnId } },
    entries.map((e) => h("li", { dataset: { kind: e.kind } }, h("time", { text: formatDate(e.on) }), " ", h("strong", { text: fateText(e.word) }), e.text ? ` — ${e.text}` : "")),
  );
}

function draftOf(ui, key, initial) {
  return (ui.loop.drafts[key] ??= { ...initial });
}

function forms(state, columnId, item, ui, options) {
  const plan = item?.plan;
  const measures = item?.measures ?? [];
  return h(
    "div",
    { class: "loop-forms" },
    form(ui, options, "plan", columnId, t("loop.planTitle"), "followup.plan", {
      place: plan?.place ?? "", area: plan?.area ?? "", customer: plan?.customer ?? "", start: plan?.start ?? "", end: plan?.end ?? "", steering: plan?.steering ?? "", decide_on: plan?.decide_on ?? "",
    }, (d, id) => [
      textField(d, id, "place", t("loop.place")),
      textField(d, id, "area", t("loop.area")),
      textField(d, id, "customer", t("loop.customer")),
      h("div", { class: "field-row" }, dateField(d, id, "start", t("loop.start")), dateField(d, id, "end", t("loop.end"))),
      textField(d, id, "steering", t("loop.steering")),
      dateField(d, id, "decide_on", t("loop.decideOn")),
    ]),
    form(ui, options, "measure", columnId, t("loop.measureTitle"), "followup.measure", { kind: "time", label: "", target: "", unit: "", measure_id: `m${measures.length + 1}` }, (d, id) => [
      selectField(d, id, "kind", t("loop.kindLabel"), MEASURE_KINDS.map((k) => [k, t(`loop.kind.${k}`)])),
      textField(d, id, "label", t("loop.label")),
      h("div", { class: "field-row" }, textField(d, id, "target", t("loop.target"), { inputmode: "decimal" }), textField(d, id, "unit", t("loop.unit"), { maxLength: 20 })),
    ]),
    measures.length
      ? form(ui, options, "record", columnId, t("loop.recordTitle"), "followup.record", { measure_id: measures[0].measure_id, value: "", on: "", note: "" }, (d, id) => [
          selectField(d, id, "measure_id", t("loop.measure"), measures.map((m) => [m.measure_id, m.label])),
          h("div", { class: "field-row" }, textField(d, id, "value", t("loop.value"), { inputmode: "decimal" }), dateField(d, id, "on", t("loop.on"))),
          textField(d, id, "note", t("loop.note")),
        ])
      : null,
    form(ui, options, "status", columnId, t("loop.statusTitle"), "followup.status", { status: "running", on: "", note: "" }, (d, id) => [
      h("div", { class: "field-row" }, selectField(d, id, "status", t("results.status"), POV_STATUSES.map((s) => [s, fateText(s)])), dateField(d, id, "on", t("loop.on"))),
      textField(d, id, "note", t("loop.note")),
    ]),
    form(ui, options, "decide", columnId, t("loop.decideTitle"), "followup.decide", { decision: "scale", on: plan?.decide_on ?? "", reason: "" }, (d, id) => [
      h("div", { class: "field-row" }, selectField(d, id, "decision", t("loop.decision"), DECISIONS.map((s) => [s, fateText(s)])), dateField(d, id, "on", t("loop.on"))),
      textField(d, id, "reason", t("loop.reason")),
    ]),
  );
}

function parkedView(state, columnId, editable, ui, options) {
  const fate = fateOf(state, columnId);
  const open = fate === "parked";
  return h(
    "li",
    { dataset: { loopParked: columnId, fate } },
    h("span", { text: `${nameOf(state, columnId)} · ${t("results.place", { n: placeOf(state, columnId) })} ` }),
    h("span", { class: "badge loop-fate", text: fateText(fate) }),
    historyList(state, columnId),
    editable && (open || fate === "declined")
      ? form(ui, options, "take_up", columnId, t("loop.takeUpTitle"), "followup.take_up", { reason: "" }, (d, id) => [textField(d, id, "reason", t("loop.reasonOptional"))])
      : null,
    editable && open
      ? form(ui, options, "decline", columnId, t("loop.declineTitle"), "followup.decline", { reason: "" }, (d, id) => [textField(d, id, "reason", t("loop.reason"))])
      : null,
  );
}

function waitingLoops(state, ui) {
  const loops = state.followupLoop?.waiting_loops ?? [];
  if (!loops.length) return null;
  const links = new Map((ui.loop?.created ?? []).map((c) => [c.board_id, c.urls?.facilitate]));
  return h(
    "div",
    { class: "loop-waiting" },
    h("h3", { text: t("loop.waitingTitle") }),
    h(
      "ul",
      {},
      loops.map((w) => {
        const names = w.column_ids.map((c) => nameOf(state, c)).join(", ");
        const href = links.get(w.board_id);
        return h(
          "li",
          { dataset: { waitingLoop: w.board_id } },
          href ? h("a", { href, text: w.title }) : h("span", { text: w.title }),
          ` — ${t("loop.waitingFrom", { names })}`,
        );
      }),
    ),
  );
}

function form(ui, options, name, columnId, title, type, initial, fields) {
  const key = `${name}-${columnId}`;
  const draft = draftOf(ui, key, initial);
  const id = (field) => `lp-${name}-${field}-${columnId}`;
  // shown in place: the region holds its re-render while a field has focus
  const errorEl = h("p", { class: "field-error", attrs: { role: "alert" }, hidden: true });
  const summary = h("summary", { text: title, fkey: id("summary") });
  const details = h(
    "details",
    { class: "loop-form", dataset: { loopForm: name, column: columnId }, attrs: ui.loop.open[key] ? { open: "" } : {}, on: { toggle: (e) => (ui.loop.open[key] = e.target.open) } },
    summary,
    h(
      "form",
      {
        on: {
          submit: async (event) => {
            event.preventDefault();
            const made = loopFrame(type, columnId, draft);
            if (made.error) {
              errorEl.textContent = t(`loop.error.${made.error}`, { field: made.field });
              errorEl.hidden = false;
              document.getElementById(id(made.field))?.focus();
              return;
            }
            errorEl.hidden = true;
            const ok = await options.onLoop?.(type, made.frame);
            if (ok) {
              delete ui.loop.drafts[key];
              ui.loop.open[key] = false;
              // focus back on the form's summary: the region catches up (fields hold it)
              summary.focus();
              options.onSaved?.();
            }
          },
        },
      },
      fields(draft, id),
      errorEl,
      h("button", { type: "submit", class: "btn btn-primary btn-small", fkey: id("save"), text: t("loop.save") }),
    ),
  );
  return details;
}

function bind(draft, field) {
  return (event) => {
    draft[field] = event.target.value;
  };
}

function textField(draft, id, field, label, extra = {}) {
  const input = h("input", { id: id(field), fkey: id(field), type: "text", value: draft[field] ?? "", maxLength: extra.maxLength ?? (field === "note" || field === "reason" ? 1000 : 120), on: { input: bind(draft, field) } });
  if (extra.inputmode) input.setAttribute("inputmode", extra.inputmode);
  return h("div", { class: "field" }, h("label", { htmlFor: id(field), text: label }), input);
}

function dateField(draft, id, field, label) {
  const input = h("input", { id: id(field), fkey: id(field), type: "date", value: draft[field] ?? "", on: { input: bind(draft, field), change: bind(draft, field) } });
  return h("div", { class: "field" }, h("label", { htmlFor: id(field), text: label }), input);
}

function selectField(draft, id, field, label, choices) {
  const select = h("select", { id: id(field), fkey: id(field), on: { change: bind(draft, field) } }, choices.map(([value, text]) => h("option", { value, text })));
  select.value = draft[field];
  return h("div", { class: "field" }, h("label", { htmlFor: id(field), text: label }), select);
}

/** The facilitator's handlers for the loop's forms (console and results page alike). */
export function loopHandlers(conn, boardId, token, ui, schedule) {
  return {
    onLoop: async (type, frame) => {
      try {
        await conn.send(type, frame);
        toast(t("loop.saved"));
        return true;
      } catch (error) {
        toast(errorText(error), "error");
        return false;
      } finally {
        schedule();
      }
    },
    onWaitingLoop: async () => {
      try {
        const created = await startWaitingLoop(boardId, token);
        ui.loop ??= { drafts: {}, open: {}, created: [] };
        ui.loop.created.push(created);
        toast(t("loop.waitingStarted"));
      } catch (error) {
        toast(errorText(error), "error");
      }
      schedule();
    },
    onSaved: () => schedule(), // after a save: re-render now that focus left the fields
  };
}
