// The name phase: every column the mapping made, with its notes, the names proposed for
// it (as chips, most supported first) and a field to propose one (participants) or to
// decide it (the facilitator). Shared by the participant page, the console and the
// projector, so a column looks the same on every screen.

import { h } from "../dom.js";
import { t } from "../i18n.js";
import { colourClass, columnBadge, columnLabel } from "./common.js";

const FIRST_NOTES = 3;
const NAME_MAX = 60;

/** Most supported first; the order they arrived in breaks ties. */
export function rankedProposals(column) {
  return [...(column.proposals || [])].sort((a, b) => b.count - a.count);
}

/** The leading proposal of a column, or null when nobody proposed a name. */
export function leadingProposal(column) {
  return rankedProposals(column)[0] || null;
}

/** Columns still without a name. */
export function unnamedColumns(state) {
  return state.columns.filter((column) => !column.name);
}

/** The column's first notes, the rest behind a disclosure that stays open across renders. */
function columnNotesPreview(state, column, ui) {
  const texts = column.notes.map((id) => state.noteIndex.get(id)?.text ?? "…");
  const first = h("ul", { class: "column-notes" }, texts.slice(0, FIRST_NOTES).map((text) => h("li", { text })));
  if (texts.length <= FIRST_NOTES) return first;
  const open = Boolean(ui.expanded?.[column.id]);
  const details = h(
    "details",
    {
      class: "naming-more",
      open,
      on: {
        toggle: (event) => {
          ui.expanded ??= {};
          ui.expanded[column.id] = event.target.open;
        },
      },
    },
    h("summary", { fkey: `more-${column.id}`, text: t("naming.moreNotes", { count: texts.length - FIRST_NOTES }) }),
    h("ul", { class: "column-notes" }, texts.slice(FIRST_NOTES).map((text) => h("li", { text }))),
  );
  return [first, details];
}

function proposalChips(column, { onPick, pickLabel, mineDisabled = false, large = false }) {
  const proposals = rankedProposals(column);
  if (proposals.length === 0) return h("p", { class: "hint naming-none", text: t("naming.noProposals") });
  return h(
    "ul",
    { class: ["naming-chips", large && "naming-chips-lg"], attrs: { "aria-label": t("naming.proposals") } },
    proposals.map((p) => {
      const chosen = column.name !== null && column.name === p.name;
      const content = [h("span", { class: "naming-chip-name", text: p.name }), h("span", { class: "naming-chip-count", text: String(p.count) })];
      if (!onPick) return h("li", {}, h("span", { class: ["naming-chip", chosen && "is-chosen"] }, content));
      return h(
        "li",
        {},
        h(
          "button",
          {
            type: "button",
            class: ["naming-chip", p.mine && "is-mine", chosen && "is-chosen"],
            fkey: `chip-${column.id}-${p.name}`,
            dataset: { proposal: p.name },
            disabled: mineDisabled && p.mine,
            attrs: {
              "aria-pressed": mineDisabled ? String(Boolean(p.mine)) : String(chosen),
              "aria-label": pickLabel(p),
            },
            on: { click: () => onPick(column.id, p.name) },
          },
          content,
        ),
      );
    }),
  );
}

function nameForm(column, { id, label, button, value, onInput, onSubmit }) {
  const input = h("input", {
    id,
    fkey: id,
    type: "text",
    maxLength: NAME_MAX,
    value,
    attrs: { autocomplete: "off", enterkeyhint: "send" },
    on: { input: (event) => onInput(event.target.value) },
  });
  return h(
    "form",
    {
      class: "naming-form",
      dataset: { refreshWhenEmpty: "" },
      on: {
        submit: (event) => {
          event.preventDefault();
          const text = input.value.trim();
          if (!text) {
            input.focus();
            return;
          }
          onSubmit(column.id, text);
        },
      },
    },
    h("label", { htmlFor: id, text: label }),
    h("div", { class: "naming-form-row" }, input, h("button", { type: "submit", class: "btn btn-primary btn-small", text: button })),
  );
}

function columnHead(column) {
  return h(
    "div",
    { class: "card-head" },
    columnBadge(column.number),
    h("h3", { class: "naming-title", dataset: { columnName: column.name || "" }, text: columnLabel(column) }),
    column.name
      ? h("span", { class: "badge badge-submitted", text: `✓ ${t("naming.named")}` })
      : h("span", { class: "badge badge-none", text: t("naming.unnamed") }),
  );
}

/** The participant's page: propose a name for each column, or support a proposal. */
export function participantNaming(state, { ui, onPropose }) {
  ui.proposeDrafts ??= {};
  if (state.columns.length === 0) return h("p", { class: "panel", text: t("rank.noCandidates") });
  return h(
    "section",
    { class: "naming", attrs: { "aria-label": t("naming.title") } },
    h("p", { class: "hint", text: t("naming.participantHelp") }),
    h(
      "ol",
      { class: "cards naming-cards" },
      state.columns.map((column) =>
        h(
          "li",
          { class: ["card", colourClass(column.number)], dataset: { namingColumn: column.id } },
          columnHead(column),
          columnNotesPreview(state, column, ui),
          proposalChips(column, {
            onPick: onPropose,
            mineDisabled: true,
            pickLabel: (p) => (p.mine ? t("naming.youProposed", { name: p.name, count: p.count }) : t("naming.support", { name: p.name, count: p.count })),
          }),
          nameForm(column, {
            id: `propose-${column.id}`,
            label: t("naming.propose"),
            button: t("naming.proposeButton"),
            value: ui.proposeDrafts[column.id] || "",
            onInput: (value) => (ui.proposeDrafts[column.id] = value),
            onSubmit: (columnId, name) => onPropose(columnId, name, { fromField: true }),
          }),
        ),
      ),
    ),
  );
}

/** The facilitator's console: pick a proposal or type a name; adopt all leaders at once. */
export function consoleNaming(state, { ui, onName, onAdoptAll }) {
  ui.nameDrafts ??= {};
  const unnamed = unnamedColumns(state);
  const adoptable = unnamed.filter((column) => leadingProposal(column));
  return h(
    "section",
    { class: "naming", attrs: { "aria-label": t("naming.title") } },
    h(
      "div",
      { class: "naming-toolbar" },
      h("p", { class: "naming-progress", dataset: { namedCount: String(state.columns.length - unnamed.length) }, text: t("naming.progress", { named: state.columns.length - unnamed.length, total: state.columns.length }) }),
      h("button", {
        type: "button",
        class: "btn btn-secondary",
        fkey: "adopt-all",
        dataset: { adoptAll: "" },
        disabled: adoptable.length === 0,
        text: t("naming.adoptAll", { count: adoptable.length }),
        on: { click: () => onAdoptAll(adoptable.map((column) => [column.id, leadingProposal(column).name])) },
      }),
    ),
    h(
      "ol",
      { class: "cards naming-cards" },
      state.columns.map((column) =>
        h(
          "li",
          { class: ["card", colourClass(column.number)], dataset: { namingColumn: column.id } },
          columnHead(column),
          columnNotesPreview(state, column, ui),
          proposalChips(column, {
            onPick: onName,
            pickLabel: (p) => t("naming.pick", { name: p.name, count: p.count }),
          }),
          nameForm(column, {
            id: `name-${column.id}`,
            label: t("naming.decide"),
            button: column.name ? t("naming.rename") : t("naming.set"),
            value: ui.nameDrafts[column.id] ?? column.name ?? "",
            onInput: (value) => (ui.nameDrafts[column.id] = value),
            onSubmit: (columnId, name) => onName(columnId, name, { fromField: true }),
          }),
        ),
      ),
    ),
  );
}

/** The projector: every column with its notes and proposals, read-only, large. */
export function projectorNaming(state) {
  return h(
    "ol",
    { class: "cards cards-lg naming-cards" },
    state.columns.map((column) =>
      h(
        "li",
        { class: ["card", colourClass(column.number)], dataset: { namingColumn: column.id } },
        columnHead(column),
        columnNotesPreview(state, column, {}),
        proposalChips(column, { large: true }),
      ),
    ),
  );
}
