// The frame every live board page shares: regions that re-render once per animation
// frame after changes, the header, language switching, the ticking timer, and the
// announcements of phase changes and connection loss for screen readers.

import { h } from "../dom.js";
import { onLangChange, t } from "../i18n.js";
import { currentPhase } from "../state.js";
import { accessEnded } from "./access.js";
import { announce, frameScheduler, header, phaseTitle, Region, startTimerTicker } from "./common.js";

/** Events of sorting that the header never shows (issue 11: a move costs what changed). */
const SORTING_KINDS = new Set([
  "note.moved",
  "column.created",
  "note.created",
  "note.edited",
  // work sharing (issue 12): nothing the header shows
  "packet.assigned",
  "packet.returned",
  "packet.requested",
  "subset.assigned",
]);

export class BoardPage {
  constructor(root, conn, { role, onPhaseChange = () => {}, onCounts = null }) {
    this.root = root;
    this.conn = conn;
    this.role = role;
    this.regions = [];
    this.dragging = false;
    this.onPhaseChange = onPhaseChange;
    this.lastPhase = null;
    this.frame = frameScheduler(() => this.updateAll());
    // anything may have changed: every region renders in the next frame
    this.schedule = () => {
      for (const region of this.regions) region.stale = true;
      this.frame();
    };
    this.headerEl = h("div", { class: "header-slot" });
    this.body = h("div", { class: ["page", `page-${role}`] });
    // a lost connection is a banner, not only a dot: on a phone the dot is easy to miss
    this.bannerEl = h("div", { class: "conn-banner", hidden: true, dataset: { connBanner: "" }, attrs: { role: "alert" } });
    root.replaceChildren(this.headerEl, this.bannerEl, this.body);
    this.headerRegion = new Region(this.headerEl, () => header(conn, { role, onLang: () => this.schedule() }));
    this.headerRegion.skips = (detail) => SORTING_KINDS.has(detail.event?.kind);
    this.regions.push(this.headerRegion);
    conn.addEventListener("change", (event) => {
      const kind = event.detail.event?.kind;
      if (kind === "phase.changed" || event.detail.welcome) this.checkPhase();
      // a region that says an event does not concern it (or that it keeps itself
      // current, as the affinity board does) is not rendered for it
      for (const region of this.regions) if (!region.skips?.(event.detail)) region.stale = true;
      this.frame();
    });
    let lastPresence = "";
    let lastCounts = "";
    conn.addEventListener("presence", () => {
      // presence arrives often; re-render only when what it shows has changed
      const p = conn.presence || {};
      // the room's progress (issue 12): a view may update its numbers in place instead
      const counts = JSON.stringify(p.counts ?? null);
      if (counts !== lastCounts) {
        lastCounts = counts;
        if (onCounts) onCounts();
        else this.schedule();
      }
      const key = JSON.stringify([p.online, p.participants_online, p.timer, p.online_ids, p.typing]);
      if (key === lastPresence) return;
      lastPresence = key;
      this.schedule();
    });
    conn.addEventListener("status", () => {
      if (conn.status === "offline") announce(t("conn.offline"));
      if (conn.status === "online") announce(t("conn.online"));
      this.headerRegion.update({ force: true });
      this.updateBanner();
    });
    conn.addEventListener("unauthorized", (event) => {
      root.replaceChildren(accessEnded(event.detail, null));
    });
    onLangChange(() => {
      this.onLang?.();
      this.updateBanner();
      this.updateAll({ force: true });
    });
    startTimerTicker(conn);
  }

  updateBanner() {
    const lost = this.conn.status === "offline";
    this.bannerEl.hidden = !lost;
    this.bannerEl.textContent = lost ? t("conn.lost") : "";
  }

  /**
   * A region that re-renders with the page; `hold` is honoured along with dragging;
   * `skips(detail)` true: a change event of that kind does not re-render it.
   */
  region(el, build, { hold, skips } = {}) {
    const region = new Region(el, build, { hold: () => this.dragging || (hold ? hold() : false) });
    region.skips = skips;
    this.regions.push(region);
    return region;
  }

  setDragging(active) {
    this.dragging = active;
    if (!active) this.schedule();
  }

  checkPhase() {
    const state = this.conn.state;
    if (!state) return;
    const phase = currentPhase(state);
    if (this.lastPhase !== null && this.lastPhase !== phase.id) {
      announce(t("advance.done", { phase: phaseTitle(phase) }));
    }
    const previous = this.lastPhase;
    this.lastPhase = phase.id;
    if (previous !== phase.id) this.onPhaseChange(phase, previous);
  }

  updateAll({ force = false } = {}) {
    if (!this.conn.state) return;
    for (const region of this.regions) {
      if (!force && region.stale === false) continue;
      region.stale = false;
      region.update({ force: force && !this.dragging });
    }
  }
}
