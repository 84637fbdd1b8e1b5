// The affinity board: unsorted notes, numbered columns, a slot for a new column and the
// parking lot. Interactive (drag and drop plus a "move to" control) or read-only.

import { h } from "../dom.js";
import { t } from "../i18n.js";
import { PARKING } from "../state.js";
import { colourClass, columnBadge, columnLabel, columnName } from "./common.js";

export const NEW_COLUMN = "new";
const UNSORTED = "unsorted";
/** An index past any column's end: "put it last". */
export const LAST = 1_000_000;

/** Where a drop zone's value points: null (unsorted), "parking", a column id, or "new". */
export function zoneTarget(zone) {
  if (zone === UNSORTED) return null;
  return zone;
}

function excerpt(text, limit = 40) {
  if (text === null || text === undefined) return "…";
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}

function placeName(state, place) {
  if (place === null) return t("board.unsorted");
  if (place === PARKING) return t("board.parking");
  if (place === NEW_COLUMN) return t("board.newColumn");
  const column = state.columns.find((c) => c.id === place);
  return column ? columnLabel(column) : "?";
}

export function describePlace(state, place) {
  return placeName(state, place);
}

/**
 * options: interactive (bool), ui ({moveChoice: {}}), onMove(noteId, target, index),
 * large (projector type), showMine (mark own notes).
 */
export function boardView(state, options) {
  const { interactive = false, large = false } = options;
  const unsorted = state.unsorted;
  const zones = [];
  zones.push(
    zone(state, options, {
      key: UNSORTED,
      title: t("board.unsorted"),
      noteIds: unsorted,
      cls: "zone-unsorted",
      empty: t("board.unsortedEmpty"),
    }),
  );
  const columns = h(
    "div",
    { class: ["columns", large && "columns-lg"] },
    state.columns.map((column) =>
      zone(state, options, {
        key: column.id,
        title: columnName(column.number),
        number: column.number,
        noteIds: column.notes,
        cls: ["zone-column", colourClass(column.number)],
      }),
    ),
    interactive
      ? h(
          "div",
          { class: "zone zone-new", dataset: { drop: NEW_COLUMN } },
          h("span", { class: "zone-new-plus", attrs: { "aria-hidden": "true" } }, "+"),
          h("span", { text: t("board.newColumnHelp") }),
        )
      : null,
  );
  zones.push(columns);
  zones.push(
    zone(state, options, {
      key: PARKING,
      title: t("board.parking"),
      subtitle: t("board.parkingHelp"),
      noteIds: state.parking,
      cls: "zone-parking",
    }),
  );
  return h("section", { class: ["board", large && "board-lg", interactive && "board-interactive"], attrs: { "aria-label": t("console.board") } }, zones);
}

function zone(state, options, { key, title, subtitle, number, noteIds, cls, empty }) {
  const headingId = `zone-h-${key}`;
  return h(
    "section",
    { class: ["zone", cls], dataset: { drop: key, zone: key }, attrs: { "aria-labelledby": headingId } },
    h(
      "h3",
      { class: "zone-title", id: headingId },
      number ? columnBadge(number) : null,
      h("span", { text: title }),
      h("span", { class: "zone-count", text: ` · ${t("board.notesCount", { n: noteIds.length, count: noteIds.length })}` }),
    ),
    subtitle ? h("p", { class: "zone-sub", text: subtitle }) : null,
    h(
      "ul",
      { class: "note-list", dataset: { dropList: "" } },
      noteIds.length === 0 && empty ? h("li", { class: "zone-empty", text: empty }) : null,
      noteIds.map((noteId) => noteCard(state, state.noteIndex.get(noteId), key, options)),
    ),
  );
}

function noteCard(state, note, zoneKey, options) {
  if (!note) return null;
  const { interactive = false, ui, onMove } = options;
  const text = note.text ?? "…";
  const children = [];
  if (interactive) {
    children.push(h("span", { class: "drag-handle", dataset: { dragHandle: "" }, attrs: { "aria-hidden": "true", title: t("board.dragHandle") } }, "⠿"));
  }
  // the tag floats beside the text (before it, so the text box makes room for it)
  if (note.mine) children.push(h("span", { class: "mine-tag", text: t("board.mine") }));
  children.push(h("p", { class: "note-body", text }));
  if (interactive) children.push(moveControl(state, note, zoneKey, ui, onMove));
  return h(
    "li",
    {
      class: ["note", note.mine && "note-mine"],
      dataset: interactive ? { dragId: note.id, note: note.id } : { note: note.id },
      // after "Move", focus follows the card to its new place (found again by its fkey);
      // only that card is focusable, and only until the next press (a focusable card
      // under the mouse would take focus and break a drag)
      tabIndex: interactive && ui?.focusNote === note.id ? -1 : undefined,
      fkey: interactive ? `note-${note.id}` : undefined,
      on: interactive
        ? {
            pointerdown: (event) => {
              if (ui.focusNote !== note.id) return;
              ui.focusNote = null;
              event.currentTarget.removeAttribute("tabindex");
            },
          }
        : undefined,
    },
    children,
  );
}

function moveControl(state, note, zoneKey, ui, onMove) {
  const current = zoneKey === UNSORTED ? "" : zoneKey;
  const selectId = `move-${note.id}`;
  const options = [h("option", { value: "", text: `${t("board.moveTo")}…` })];
  if (current !== "") options.push(h("option", { value: UNSORTED, text: t("board.unsorted") }));
  for (const column of state.columns) {
    if (column.id === current) continue;
    options.push(h("option", { value: column.id, text: columnName(column.number) }));
  }
  options.push(h("option", { value: NEW_COLUMN, text: `+ ${t("board.newColumn")}` }));
  if (current !== PARKING) options.push(h("option", { value: PARKING, text: t("board.parking") }));
  const choice = ui.moveChoice[note.id] || "";
  const select = h(
    "select",
    {
      id: selectId,
      class: "move-select",
      fkey: selectId,
      on: {
        change: (event) => {
          ui.moveChoice[note.id] = event.target.value;
          const button = event.target.parentElement.querySelector("button");
          if (button) button.disabled = !event.target.value;
        },
      },
    },
    options,
  );
  select.value = [...select.options].some((o) => o.value === choice) ? choice : "";
  return h(
    "div",
    { class: "move" },
    h("label", { class: "visually-hidden", htmlFor: selectId, text: t("board.moveNote", { text: excerpt(note.text) }) }),
    select,
    h("button", {
      type: "button",
      class: "btn btn-small",
      text: t("board.moveGo"),
      fkey: `move-go-${note.id}`,
      disabled: !select.value,
      attrs: { "aria-label": `${t("board.moveNote", { text: excerpt(note.text) })}` },
      on: {
        click: (event) => {
          const value = ui.moveChoice[note.id];
          if (!value) return;
          delete ui.moveChoice[note.id];
          // the button is re-rendered disabled; keep focus on the card (re-found by fkey)
          ui.focusNote = note.id;
          const card = event.currentTarget.closest("li.note");
          if (card) {
            card.tabIndex = -1;
            card.focus({ preventScroll: true });
          }
          onMove(note.id, zoneTarget(value), LAST);
        },
      },
    }),
  );
}
