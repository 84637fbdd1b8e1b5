// "Your packet" (issue 12): on a big board the server hands each participant a few notes
// to place, and the next few when they are done. This panel sits first in the affinity
// board (views/affinity.js) and shows the packet's notes, each placed by taps (tap the
// note, then a column or "+ New" in the board's bar; Enter or Space on a focused note
// does the same) or dragged by its handle. A review packet (the second look) shows each
// note with its column, "Looks right" or move; any packet can be given back. Below it,
// the person's own part: "Packet 3 done · 24 notes placed". The full board stays below.

import { h, render } from "../dom.js";
import { lang, t } from "../i18n.js";
import { isWaiting, packetsOn } from "../state.js";
import { formatCount } from "./progress.js";

function excerpt(text, limit = 40) {
  if (text === null || text === undefined) return "…";
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}

/**
 * options: onConfirm(packetId), onGiveBack(packetId), onAsk() and status() -> "asking",
 * "none" (asked, nothing to hand out) or null.
 */
export class PacketPanel {
  constructor(board, { onConfirm, onGiveBack, onAsk, status = () => null }) {
    this.board = board;
    this.onConfirm = onConfirm;
    this.onGiveBack = onGiveBack;
    this.onAsk = onAsk;
    this.status = status;
    this.el = h("section", { class: "packet", dataset: { packet: "" }, attrs: { "aria-labelledby": "packet-h" } });
  }

  get state() {
    return this.board.state;
  }

  /** Shown on boards with sharing while packets are on, or while this person holds one. */
  visible() {
    const state = this.state;
    return Boolean(state?.board.sharing) && (packetsOn(state) || Boolean(state.mine?.packet));
  }

  /** The packet's notes that still exist, in the packet's order. */
  notes() {
    const packet = this.state.mine?.packet;
    if (!packet) return [];
    return packet.note_ids.map((id) => this.state.noteIndex.get(id)).filter(Boolean);
  }

  /** The note a tap in the bar places when none is selected: the packet's next unsorted. */
  nextToPlace() {
    if (!this.visible() || this.state.mine?.packet?.pass !== "sort") return null;
    return this.notes().find((note) => note.column === null)?.id ?? null;
  }

  /** What the panel shows, as one string: a sync that would show the same is skipped, so
   * a busy room's presence frames do not rebuild the notes under a finger mid-tap. */
  key() {
    const state = this.state;
    if (!this.visible()) return "hidden";
    const mine = state.mine;
    const notes = this.notes().map((note) => `${note.id}:${note.column}:${note.text}:${this.board.placeName(note.column)}`);
    return JSON.stringify([lang(), mine.packet?.packet_id, mine.packet?.pass, notes, this.board.selected, mine.packets_done, mine.notes_placed, isWaiting(state), this.status(), mine.lastReturned?.reason]);
  }

  sync({ force = false } = {}) {
    const state = this.state;
    const key = this.key();
    if (!force && key === this.shown) return;
    this.shown = key;
    if (!this.visible()) {
      this.el.hidden = true;
      this.el.dataset.packet = "";
      this.el.replaceChildren();
      return;
    }
    this.el.hidden = false;
    const packet = state.mine.packet;
    this.el.dataset.packet = packet ? packet.pass : isWaiting(state) ? "waiting" : "none";
    this.el.dataset.packetId = packet?.packet_id ?? "";
    render(this.el, packet ? this.packetBody(packet) : this.emptyBody(), this.ownPart());
  }

  packetBody(packet) {
    const review = packet.pass === "review";
    const notes = this.notes();
    const placed = notes.filter((note) => note.column !== null).length;
    return [
      h(
        "div",
        { class: "packet-head" },
        h("h2", { id: "packet-h", tabIndex: -1, fkey: "packet-h", text: review ? t("share.reviewTitle") : t("share.packetTitle") }),
        review ? null : h("span", { class: "packet-count", dataset: { packetCount: `${placed}/${notes.length}` }, text: t("share.packetProgress", { placed, total: notes.length }) }),
      ),
      h("p", { class: "hint packet-help", text: review ? t("share.reviewHelp") : t("share.packetHelp") }),
      h("ul", { class: "packet-notes" }, notes.map((note) => this.noteItem(note, review))),
      h(
        "div",
        { class: "button-row packet-actions" },
        review
          ? h("button", {
              type: "button",
              class: "btn btn-primary",
              fkey: "packet-confirm",
              dataset: { packetConfirm: "" },
              text: t("share.confirm"),
              on: { click: () => this.onConfirm(packet.packet_id) },
            })
          : null,
        h("button", {
          type: "button",
          class: "btn btn-quiet btn-small",
          fkey: "packet-return",
          dataset: { packetReturn: "" },
          text: t("share.giveBack"),
          on: { click: () => this.onGiveBack(packet.packet_id) },
        }),
      ),
    ];
  }

  noteItem(note, review) {
    const placed = note.column !== null;
    const selected = this.board.selected === note.id;
    const where = placed ? t("share.inColumn", { name: this.board.placeName(note.column) }) : t("share.notPlaced");
    return h(
      "li",
      { class: ["packet-note", placed && "is-placed", selected && "is-selected"], dataset: { packetNote: note.id, dragId: note.id } },
      h("span", { class: "drag-handle", dataset: { dragHandle: "" }, attrs: { "aria-hidden": "true", title: t("board.dragHandle") } }, "⠿"),
      h("button", {
        type: "button",
        class: "packet-pick",
        fkey: `packet-pick-${note.id}`,
        dataset: { dragOk: "", packetPick: note.id },
        attrs: { "aria-pressed": selected ? "true" : "false", "aria-label": `${t("share.pick", { text: excerpt(note.text) })} (${where})` },
        on: { click: (event) => this.board.select(note.id, { keyboard: event.detail === 0 }) },
        text: note.text ?? "…",
      }),
      h(
        "span",
        { class: "packet-where", dataset: { packetWhere: note.column ?? "" } },
        placed && !review ? h("span", { class: "packet-tick", attrs: { "aria-hidden": "true" } }, "✓ ") : null,
        where,
      ),
      review
        ? h("button", {
            type: "button",
            class: "btn btn-quiet btn-small packet-move",
            fkey: `packet-move-${note.id}`,
            text: t("share.move"),
            attrs: { "aria-label": `${t("share.move")}: ${excerpt(note.text)}` },
            on: { click: () => this.board.pickFromSearch(note.id) },
          })
        : null,
    );
  }

  emptyBody() {
    const state = this.state;
    const status = this.status();
    const returned = state.mine.lastReturned;
    let text;
    if (isWaiting(state)) text = t("share.waiting");
    else if (status === "asking") text = t("share.asking");
    else if (returned && returned.reason !== "done") text = t(`share.returned.${returned.reason}`);
    else text = t("share.none");
    const ask = !isWaiting(state) && status !== "asking";
    return [
      h("h2", { id: "packet-h", tabIndex: -1, fkey: "packet-h", text: t("share.packetTitle") }),
      h("p", { class: "packet-status", dataset: { packetStatus: isWaiting(state) ? "waiting" : status || "none" }, attrs: { role: "status" }, text }),
      ask
        ? h("button", { type: "button", class: "btn btn-secondary btn-small", fkey: "packet-ask", dataset: { packetAsk: "" }, text: t("share.ask"), on: { click: () => this.onAsk() } })
        : null,
    ];
  }

  /** "Packet 3 done · 24 notes placed": this person's own part. */
  ownPart() {
    const mine = this.state.mine;
    const done = mine.packets_done ? t("share.mineDone", { n: mine.packets_done }) : t("share.mineNone");
    const placed = t("share.minePlaced", { n: mine.notes_placed, count: formatCount(mine.notes_placed) });
    return h("p", { class: "packet-mine", dataset: { packetMine: `${mine.packets_done}/${mine.notes_placed}` } }, `${done} · ${placed}`);
  }

  /** After a selection change: the pressed state of the packet's notes. */
  syncSelection() {
    for (const button of this.el.querySelectorAll("[data-packet-pick]")) {
      const on = button.dataset.packetPick === this.board.selected;
      button.setAttribute("aria-pressed", on ? "true" : "false");
      button.closest("li")?.classList.toggle("is-selected", on);
    }
  }
}
