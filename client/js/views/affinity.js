// The affinity board at scale (issue 11): the sorting view of the participant page and
// the console. Unlike the other views it is not rebuilt per change: it keeps one element
// per visible note card (a Map by note id) and one section per column (a Map by column
// id) and lets each event touch only the DOM it concerns. A move re-syncs the two lists
// involved, a new note the unsorted pool, a new column adds one section and one bar
// target. Welcome, phase changes, dropped columns and a language switch rebuild it all.
//
// Every list is a bounded prefix of its notes: the unsorted pool shows the next note to
// place plus a few more, columns and the parking lot are collapsed to their first notes
// and expand in pages. A sticky bar holds every column as a tap target: tap a note to
// select it (or select nothing: the next note to place), then tap where it goes.

import { h } from "../dom.js";
import { onLangChange, t } from "../i18n.js";
import { currentPhase, listFor, PARKING } from "../state.js";
import { LAST, NEW_COLUMN } from "./board.js";
import { announce, colourClass, columnBadge, columnLabel, columnName, frameScheduler, toast } from "./common.js";
import { PacketPanel } from "./packet.js";

const UNSORTED = "unsorted";
const BAR_DROP = "bar:";

/** A drop on a bar target ("bar:<place>") puts the note last there: the place, else null. */
export function barDropPlace(zone) {
  return zone.startsWith(BAR_DROP) ? zone.slice(BAR_DROP.length) : null;
}

function excerpt(text, limit = 40) {
  if (text === null || text === undefined) return "…";
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}

/** The zone key of a note's place: "unsorted", "parking" or a column id. */
function placeKey(column) {
  return column === null || column === undefined ? UNSORTED : column;
}

function placeOf(key) {
  return key === UNSORTED ? null : key;
}

/**
 * options: onMove(noteId, target, index) with target null | "parking" | column id | "new";
 * preview (notes a collapsed column shows), pool (unsorted notes shown after the next),
 * page (notes an expanded column adds per "show more"), laptop (wider layout);
 * packets (issue 12: the participant's "Your packet" first, views/packet.js: its
 * handlers onConfirm, onGiveBack, onAsk, status) and onMerge(columnId) (the console's
 * "Merge into…" on each column).
 */
export class AffinityBoard {
  constructor(conn, { onMove, preview = 3, pool = 12, page = 50, laptop = false, packets = null, onMerge = null } = {}) {
    this.conn = conn;
    this.onMove = onMove;
    this.packetPanel = packets ? new PacketPanel(this, packets) : null;
    this.onMerge = onMerge;
    this.preview = preview;
    this.pool = pool;
    this.pageSize = page;
    this.laptop = laptop;
    this.el = h("div", {
      class: ["affinity", laptop && "affinity-laptop"],
      on: {
        keydown: (event) => {
          if (event.key !== "Escape" || !this.selected) return;
          this.selected = null;
          this.syncSelection();
        },
      },
    });
    this.built = false;
    this.cards = new Map(); // note id -> li.note
    this.zones = new Map(); // zone key -> { section, list, count, rest, more, less }
    this.targets = new Map(); // zone key or "new" -> bar button
    this.limits = new Map(); // zone key -> notes shown while expanded
    this.selected = null;
    this.query = "";
    this.pending = this.fresh();
    this.flushSoon = frameScheduler(() => this.flush());
    this.searchBox = this.buildSearch();
    conn.addEventListener("change", (event) => this.onChange(event.detail));
    onLangChange(() => {
      if (this.built) this.rebuild();
    });
  }

  fresh() {
    return { rebuild: false, structure: false, zones: new Set(), texts: false };
  }

  get state() {
    return this.conn.state;
  }

  isAffinity() {
    return Boolean(this.state) && currentPhase(this.state).type === "affinity";
  }

  /** The board's element, built for the current state if it is not yet. */
  element() {
    if (!this.built) this.rebuild();
    return this.el;
  }

  onChange(detail) {
    if (!this.built) return;
    if (!this.isAffinity()) {
      // the page replaces this view; build afresh when affinity comes again
      this.built = false;
      return;
    }
    const event = detail.event;
    const p = this.pending;
    if (detail.welcome || !event) {
      p.rebuild = true;
    } else {
      switch (event.kind) {
        case "phase.changed":
        case "columns.dropped":
          p.rebuild = true;
          break;
        case "note.created":
          p.zones.add(UNSORTED);
          break;
        case "note.edited":
        case "notes.revealed":
          p.texts = true;
          break;
        case "note.deleted": {
          const card = this.cards.get(event.note_id);
          if (card) p.zones.add(card.dataset.place);
          if (this.selected === event.note_id) this.selected = null;
          break;
        }
        case "column.created":
          p.structure = true;
          p.zones.add(event.column_id);
          break;
        case "column.merged":
          // the source's section goes, the target's list grows at its end
          p.structure = true;
          p.zones.add(event.target);
          break;
        case "packet.assigned":
        case "packet.returned":
        case "packet.requested":
        case "packets.switched":
          break; // the packet panel is synced in every flush
        case "note.moved": {
          // a window is a prefix of its list: a note outside every window leaves the
          // lists it was in looking the same, so only its card's list needs a look
          const card = this.cards.get(event.note_id);
          if (card) p.zones.add(card.dataset.place);
          p.zones.add(placeKey(event.column_id));
          if (this.selected === event.note_id) this.selected = null;
          break;
        }
        default:
          return; // nothing this view shows
      }
    }
    this.flushSoon();
  }

  flush() {
    if (!this.built || !this.isAffinity()) return;
    const p = this.pending;
    this.pending = this.fresh();
    if (p.rebuild) {
      this.rebuild();
      return;
    }
    const focus = this.focusBefore();
    if (p.structure) this.syncStructure();
    for (const key of p.zones) this.syncZone(key);
    if (p.texts) for (const [id, card] of this.cards) this.syncText(card, id);
    this.syncCounts();
    this.packetPanel?.sync();
    this.syncSelection();
    if (this.query) this.renderResults();
    this.collect();
    this.focusAfter(focus);
  }

  /** Re-render "Your packet" now (a request's answer, a presence frame's counts). */
  refreshPacket() {
    if (!this.built || !this.packetPanel) return;
    this.packetPanel.sync();
    this.syncSelection();
  }

  // ---- building --------------------------------------------------------------------

  rebuild() {
    const state = this.state;
    if (!state) return;
    const focus = this.focusBefore();
    this.cards.clear();
    this.zones.clear();
    this.targets.clear();
    this.pending = this.fresh();
    if (this.selected && !state.noteIndex.has(this.selected)) this.selected = null;
    this.hintEl = h("p", { class: "aff-hint", dataset: { affHint: "" }, attrs: { "aria-live": "polite" } });
    this.targetsEl = h("div", { class: "aff-targets" });
    this.newTarget = this.barButton(NEW_COLUMN);
    this.parkingTarget = this.barButton(PARKING);
    this.targetsEl.append(this.parkingTarget, this.newTarget);
    const bar = h(
      "div",
      { class: "aff-bar", dataset: { affBar: "" }, attrs: { role: "group", "aria-label": t("aff.barLabel") } },
      this.hintEl,
      this.targetsEl,
    );
    this.columnsEl = h("div", { class: ["columns", "aff-columns"] });
    this.newSlot = h(
      "div",
      { class: "zone zone-new", dataset: { drop: NEW_COLUMN } },
      h("span", { class: "zone-new-plus", attrs: { "aria-hidden": "true" } }, "+"),
      h("span", { text: t("board.newColumnHelp") }),
    );
    this.columnsEl.append(this.newSlot);
    const unsorted = this.buildZone(UNSORTED);
    const parking = this.buildZone(PARKING);
    this.searchBox.label.textContent = t("aff.search");
    this.searchBox.input.placeholder = t("aff.searchPlaceholder");
    const board = h(
      "section",
      { class: ["board", "board-interactive", "board-affinity"], attrs: { "aria-label": t("console.board") } },
      this.packetPanel ? this.packetPanel.el : null,
      bar,
      unsorted,
      this.searchBox.el,
      this.columnsEl,
      parking,
    );
    this.el.replaceChildren(board);
    this.built = true;
    this.followHeader();
    this.syncStructure({ refill: false });
    this.syncZone(UNSORTED);
    this.syncZone(PARKING);
    this.syncCounts();
    this.packetPanel?.sync({ force: true });
    this.syncSelection();
    this.renderResults();
    this.focusAfter(focus);
  }

  /** The bar sticks under the page's sticky header, whose height wraps on a phone. */
  followHeader() {
    const slot = document.querySelector(".header-slot");
    if (!slot || this.headerObserver || typeof ResizeObserver === "undefined") return;
    this.headerObserver = new ResizeObserver(() => {
      document.documentElement.style.setProperty("--topbar-h", `${slot.offsetHeight}px`);
    });
    this.headerObserver.observe(slot);
  }

  buildZone(key) {
    const isColumn = key !== UNSORTED && key !== PARKING;
    const column = isColumn ? this.state.columns.find((c) => c.id === key) : null;
    const headingId = `zone-h-${key}`;
    const count = h("span", { class: "zone-count" });
    const list = h("ul", { class: "note-list", dataset: { dropList: "" } });
    const empty = key === UNSORTED ? h("li", { class: "zone-empty", text: t("board.unsortedEmpty") }) : null;
    if (empty) list.append(empty);
    const rest = h("p", { class: "aff-rest", hidden: true });
    const more = h("button", { type: "button", class: "btn btn-quiet btn-small aff-more", hidden: true, on: { click: () => this.expand(key) } });
    const less = h("button", { type: "button", class: "btn btn-quiet btn-small aff-less", hidden: true, text: t("aff.showFewer"), on: { click: () => this.collapse(key) } });
    let title;
    let cls;
    let subtitle = null;
    if (key === UNSORTED) {
      title = t("board.unsorted");
      cls = "zone-unsorted";
    } else if (key === PARKING) {
      title = t("board.parking");
      cls = "zone-parking";
      subtitle = h("p", { class: "zone-sub", text: t("board.parkingHelp") });
    } else {
      title = columnName(column.number);
      cls = ["zone-column", colourClass(column.number)];
    }
    const section = h(
      "section",
      { class: ["zone", cls], dataset: { drop: key, zone: key }, attrs: { "aria-labelledby": headingId } },
      h("h3", { class: "zone-title", id: headingId, tabIndex: -1 }, column ? columnBadge(column.number) : null, h("span", { text: title }), count),
      subtitle,
      list,
      h("div", { class: "aff-zone-foot" }, rest, more, less, column && this.onMerge ? this.mergeButton(column) : null),
    );
    this.zones.set(key, { section, list, count, empty, rest, more, less });
    return section;
  }

  /** The console's "Merge into…" on a column (the dialog that confirms is the console's). */
  mergeButton(column) {
    return h("button", {
      type: "button",
      class: "btn btn-quiet btn-small aff-merge",
      dataset: { mergeColumn: column.id },
      text: t("merge.open"),
      attrs: { "aria-label": t("merge.openLabel", { name: columnLabel(column) }) },
      on: { click: () => this.onMerge(column.id) },
    });
  }

  barButton(key) {
    const column = key !== PARKING && key !== NEW_COLUMN ? this.state.columns.find((c) => c.id === key) : null;
    const count = h("span", { class: "aff-target-count" });
    let face;
    if (column) face = [columnBadge(column.number), count];
    else if (key === PARKING) face = [h("span", { class: "aff-target-p", attrs: { "aria-hidden": "true" } }, "P"), count];
    else face = [h("span", { class: "aff-target-plus", attrs: { "aria-hidden": "true" } }, "+"), h("span", { class: "aff-target-new", text: t("aff.new") })];
    const button = h(
      "button",
      {
        type: "button",
        class: ["aff-target", column && colourClass(column.number), key === PARKING && "aff-target-parking", key === NEW_COLUMN && "aff-target-newcol"],
        // a drop target too: a finger drag on a phone reaches the sticky bar at once
        dataset: { barTarget: key, drop: `${BAR_DROP}${key}` },
        on: { click: () => this.place(key) },
      },
      face,
    );
    button.countEl = count;
    this.targets.set(key, button);
    return button;
  }

  buildSearch() {
    const input = h("input", {
      type: "search",
      id: "aff-search",
      class: "aff-search-input",
      attrs: { autocomplete: "off", "aria-controls": "aff-results" },
      on: {
        input: (event) => {
          this.query = event.target.value.trim();
          this.searchSoon();
        },
      },
    });
    const label = h("label", { htmlFor: "aff-search", class: "aff-search-label" });
    const results = h("ul", { id: "aff-results", class: "aff-results", attrs: { "aria-live": "polite" } });
    const note = h("p", { class: "aff-results-note", hidden: true });
    this.searchSoon = frameScheduler(() => this.renderResults());
    return { el: h("div", { class: "aff-search", attrs: { role: "search" } }, label, input, results, note), input, label, results, note };
  }

  // ---- syncing ---------------------------------------------------------------------

  /** Column sections and bar targets in the order of the state's columns. */
  syncStructure({ refill = true } = {}) {
    const state = this.state;
    const ids = new Set(state.columns.map((c) => c.id));
    for (const key of [...this.zones.keys()]) {
      if (key === UNSORTED || key === PARKING || ids.has(key)) continue;
      this.zones.get(key).section.remove();
      this.zones.delete(key);
      this.targets.get(key)?.remove();
      this.targets.delete(key);
    }
    for (const column of state.columns) {
      if (!this.zones.has(column.id)) {
        this.columnsEl.insertBefore(this.buildZone(column.id), this.newSlot);
        this.targetsEl.insertBefore(this.barButton(column.id), this.parkingTarget);
        this.syncZone(column.id);
      }
    }
    // the move selects name every column: refresh those on screen
    if (refill) for (const card of this.cards.values()) this.fillSelect(card);
  }

  limitFor(key) {
    if (key === UNSORTED) return this.pool + 1;
    return this.limits.get(key) ?? this.preview;
  }

  expand(key) {
    const now = this.limits.get(key);
    this.limits.set(key, now ? now + this.pageSize : Math.max(this.pageSize, this.preview));
    this.syncZone(key);
    this.collect();
  }

  collapse(key) {
    this.limits.delete(key);
    this.syncZone(key);
    this.collect();
    this.zones.get(key)?.section.querySelector("h3")?.focus({ preventScroll: true });
  }

  /** Make a zone's list show the first notes of its place, reusing every card it can. */
  syncZone(key) {
    const zone = this.zones.get(key);
    if (!zone) return;
    const ids = listFor(this.state, placeOf(key)) || [];
    const want = ids.slice(0, this.limitFor(key));
    const wanted = new Set(want);
    for (const el of [...zone.list.children]) {
      if (el.dataset.note && !wanted.has(el.dataset.note)) el.remove();
    }
    let ref = nextCard(zone.list.firstElementChild);
    for (const id of want) {
      let card = this.cards.get(id);
      if (!card) {
        const note = this.state.noteIndex.get(id);
        if (!note) continue;
        card = this.makeCard(note, key);
        this.cards.set(id, card);
      } else if (card.dataset.place !== key) {
        card.dataset.place = key;
        this.fillSelect(card);
      }
      if (card === ref) ref = nextCard(ref.nextElementSibling);
      else zone.list.insertBefore(card, ref);
    }
    if (key === UNSORTED) {
      want.forEach((id, i) => this.cards.get(id)?.classList.toggle("note-next", i === 0));
      if (zone.empty) zone.empty.hidden = want.length > 0;
    }
    const hidden = ids.length - want.length;
    setText(zone.rest, hidden > 0 ? t(key === UNSORTED ? "aff.moreToSort" : "aff.moreHere", { n: hidden }) : "");
    zone.rest.hidden = hidden <= 0;
    if (key !== UNSORTED) {
      const expanded = this.limits.has(key);
      zone.more.hidden = hidden <= 0;
      setText(zone.more, expanded ? t("aff.showMore", { n: Math.min(hidden, this.pageSize) }) : t("aff.showAll", { n: ids.length }));
      zone.less.hidden = !expanded;
      zone.section.classList.toggle("aff-expanded", expanded);
    }
  }

  /** Forget cards no list shows any more. */
  collect() {
    for (const [id, card] of this.cards) if (!card.isConnected) this.cards.delete(id);
  }

  syncText(card, id) {
    const note = this.state.noteIndex.get(id);
    if (!note) return;
    setText(card.querySelector(".note-body"), note.text ?? "…");
  }

  syncCounts() {
    const state = this.state;
    for (const [key, zone] of this.zones) {
      const n = (listFor(state, placeOf(key)) || []).length;
      setText(zone.count, ` · ${t("board.notesCount", { n, count: n })}`);
      const target = this.targets.get(key);
      if (target) {
        setText(target.countEl, String(n));
        const name = key === PARKING ? t("board.parking") : columnLabel(state.columns.find((c) => c.id === key));
        setAttr(target, "aria-label", t("aff.target", { name, n }));
      }
    }
    setAttr(this.newTarget, "aria-label", t("board.newColumn"));
  }

  syncSelection() {
    for (const [id, card] of this.cards) {
      const on = id === this.selected;
      card.classList.toggle("is-selected", on);
      setAttr(card.pick, "aria-pressed", on ? "true" : "false");
    }
    const state = this.state;
    const id = this.placing();
    const note = id ? state.noteIndex.get(id) : null;
    let text;
    if (!note) text = t("aff.allPlaced");
    else if (this.selected) text = t("aff.placeSelected", { text: excerpt(note.text) });
    else text = t("aff.placeNext", { text: excerpt(note.text) });
    setText(this.hintEl, text);
    this.el.querySelector(".board-affinity")?.classList.toggle("has-selection", Boolean(this.selected));
    this.packetPanel?.syncSelection();
  }

  /** The note a tap in the bar places: the selected one, else the next unsorted. */
  placing() {
    if (this.selected && this.state.noteIndex.has(this.selected)) return this.selected;
    // with a packet: its next note to place comes before the pool's
    return this.packetPanel?.nextToPlace() ?? this.state.unsorted[0] ?? null;
  }

  // ---- cards -----------------------------------------------------------------------

  makeCard(note, key) {
    const pick = h("button", {
      type: "button",
      class: "note-body note-pick",
      text: note.text ?? "…",
      dataset: { dragOk: "" },
      attrs: { "aria-pressed": "false" },
      on: { click: (event) => this.select(note.id, { keyboard: event.detail === 0 }) },
    });
    const selectId = `move-${note.id}`;
    const select = h("select", {
      id: selectId,
      class: "move-select",
      on: {
        change: (event) => {
          button.disabled = !event.target.value;
        },
      },
    });
    const label = h("label", { class: "visually-hidden", htmlFor: selectId, text: t("board.moveNote", { text: excerpt(note.text) }) });
    const button = h("button", {
      type: "button",
      class: "btn btn-small",
      text: t("board.moveGo"),
      disabled: true,
      attrs: { "aria-label": t("board.moveNote", { text: excerpt(note.text) }) },
      on: {
        click: () => {
          const value = select.value;
          if (!value) return;
          // the button ends up disabled: keep the focus on the card, which moves along
          card.tabIndex = -1;
          card.focus({ preventScroll: true });
          this.onMove(note.id, value === UNSORTED ? null : value, LAST);
        },
      },
    });
    const card = h(
      "li",
      {
        class: ["note", note.mine && "note-mine"],
        dataset: { dragId: note.id, note: note.id, place: key },
        on: {
          pointerdown: () => {
            // a focusable card under the mouse would take focus and break a drag
            if (card.hasAttribute("tabindex")) card.removeAttribute("tabindex");
          },
        },
      },
      h("span", { class: "drag-handle", dataset: { dragHandle: "" }, attrs: { "aria-hidden": "true", title: t("board.dragHandle") } }, "⠿"),
      note.mine ? h("span", { class: "mine-tag", text: t("board.mine") }) : null,
      pick,
      h("div", { class: "move" }, label, select, button),
    );
    card.pick = pick;
    card.select = select;
    card.moveButton = button;
    this.fillSelect(card);
    return card;
  }

  fillSelect(card) {
    const current = card.dataset.place === UNSORTED ? "" : card.dataset.place;
    const select = card.select;
    // options named by their label attribute, without a text node: half the nodes
    const option = (value, label) => h("option", { value, label });
    const options = [option("", `${t("board.moveTo")}…`)];
    if (current !== "") options.push(option(UNSORTED, t("board.unsorted")));
    for (const column of this.state.columns) {
      if (column.id === current) continue;
      options.push(option(column.id, columnName(column.number)));
    }
    options.push(option(NEW_COLUMN, `+ ${t("board.newColumn")}`));
    if (current !== PARKING) options.push(option(PARKING, t("board.parking")));
    const choice = select.value;
    select.replaceChildren(...options);
    select.value = options.some((o) => o.value === choice) ? choice : "";
    card.moveButton.disabled = !select.value;
  }

  // ---- selecting and placing ---------------------------------------------------------

  select(noteId, { keyboard = false } = {}) {
    this.selected = this.selected === noteId ? null : noteId;
    this.syncSelection();
    if (this.selected) {
      announce(t("aff.selected", { text: excerpt(this.state.noteIndex.get(noteId)?.text) }));
      // with the keyboard, the next stop is where it goes
      if (keyboard) this.targetsEl.querySelector(".aff-target")?.focus({ preventScroll: true });
    }
  }

  place(key) {
    const id = this.placing();
    if (!id) {
      toast(t("aff.allPlaced"));
      return;
    }
    this.selected = null;
    this.syncSelection();
    this.onMove(id, key, LAST);
  }

  /** Select a note from the search results; the bar then places it. */
  pickFromSearch(noteId) {
    this.selected = noteId;
    this.syncSelection();
    announce(t("aff.selected", { text: excerpt(this.state.noteIndex.get(noteId)?.text) }));
    this.targetsEl.querySelector(".aff-target")?.focus({ preventScroll: true });
  }

  // ---- search ----------------------------------------------------------------------

  renderResults() {
    const box = this.searchBox;
    const query = this.query.toLowerCase();
    if (!query || !this.state) {
      box.results.replaceChildren();
      box.note.hidden = true;
      return;
    }
    const matches = [];
    let total = 0;
    for (const note of this.state.notes) {
      if (!note.text || !note.text.toLowerCase().includes(query)) continue;
      total += 1;
      if (matches.length < 20) matches.push(note);
    }
    const shown = [...box.results.children];
    const same = shown.length === matches.length && shown.every((li, i) => li.dataset.result === matches[i].id);
    if (same) {
      // the same matches (a note moved meanwhile): update where each is, keep the focus
      shown.forEach((li, i) => {
        setText(li.querySelector(".aff-result-text"), excerpt(matches[i].text, 80));
        setText(li.querySelector(".aff-result-where"), this.placeName(matches[i].column));
      });
    } else {
      box.results.replaceChildren(...matches.map((note) => this.resultItem(note)));
    }
    box.note.hidden = false;
    const summary = total === 0 ? t("aff.noMatch") : total > matches.length ? t("aff.moreMatches", { n: total - matches.length }) : t("aff.matches", { n: total });
    setText(box.note, summary);
  }

  resultItem(note) {
    return h(
      "li",
      { class: "aff-result", dataset: { result: note.id } },
      h("span", { class: "aff-result-text", text: excerpt(note.text, 80) }),
      h("span", { class: "aff-result-where", text: this.placeName(note.column) }),
      h("button", {
        type: "button",
        class: "btn btn-secondary btn-small",
        text: t("aff.choose"),
        attrs: { "aria-label": t("aff.chooseNote", { text: excerpt(note.text) }) },
        on: { click: () => this.pickFromSearch(note.id) },
      }),
    );
  }

  placeName(column) {
    if (column === null || column === undefined) return t("board.unsorted");
    if (column === PARKING) return t("board.parking");
    return columnLabel(this.state.columns.find((c) => c.id === column));
  }

  // ---- focus -----------------------------------------------------------------------

  focusBefore() {
    const active = document.activeElement;
    return active && active !== document.body && this.el.contains(active) ? active : null;
  }

  /** A focused element moved with its card gets the focus back; one gone leaves it on
   * the next note to place (or the bar), never on the page's body. */
  focusAfter(active) {
    if (!active || document.activeElement === active) return;
    if (active.isConnected && !active.disabled) {
      active.focus({ preventScroll: true });
      return;
    }
    const next = this.zones.get(UNSORTED)?.list.querySelector("li.note .note-pick") || this.targetsEl?.querySelector(".aff-target");
    next?.focus({ preventScroll: true });
  }
}

function nextCard(el) {
  let at = el;
  while (at && !at.dataset.note) at = at.nextElementSibling;
  return at || null;
}

/** Write a text only when it changed (no mutation, no layout for an equal text). */
function setText(el, text) {
  if (el && el.textContent !== text) el.textContent = text;
}

function setAttr(el, name, value) {
  if (el && el.getAttribute(name) !== value) el.setAttribute(name, value);
}
