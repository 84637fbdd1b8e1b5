// The frame every live board page shares: regions that re-render once per animation
// frame after changes, the header, language switching, the ticking timer, and the
// announcements of phase changes and connection loss for screen readers.

import { h } from "../dom.js";
import { onLangChange, t } from "../i18n.js";
import { currentPhase } from "../state.js";
import { accessEnded } from "./access.js";
import { announce, frameScheduler, header, phaseTitle, Region, startTimerTicker } from "./common.js";

export class BoardPage {
  constructor(root, conn, { role, onPhaseChange = () => {} }) {
    this.root = root;
    this.conn = conn;
    this.role = role;
    this.regions = [];
    this.dragging = false;
    this.onPhaseChange = onPhaseChange;
    this.lastPhase = null;
    this.schedule = frameScheduler(() => this.updateAll());
    this.headerEl = h("div", { class: "header-slot" });
    this.body = h("div", { class: ["page", `page-${role}`] });
    // a lost connection is a banner, not only a dot: on a phone the dot is easy to miss
    this.bannerEl = h("div", { class: "conn-banner", hidden: true, dataset: { connBanner: "" }, attrs: { role: "alert" } });
    root.replaceChildren(this.headerEl, this.bannerEl, this.body);
    this.headerRegion = new Region(this.headerEl, () => header(conn, { role, onLang: () => this.schedule() }));
    this.regions.push(this.headerRegion);
    conn.addEventListener("change", (event) => {
      const kind = event.detail.event?.kind;
      if (kind === "phase.changed" || event.detail.welcome) this.checkPhase();
      this.schedule();
    });
    let lastPresence = "";
    conn.addEventListener("presence", () => {
      // presence arrives often; re-render only when what it shows has changed
      const p = conn.presence || {};
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

  /** A region that re-renders with the page; `hold` is honoured along with dragging. */
  region(el, build, { hold } = {}) {
    const region = new Region(el, build, { hold: () => this.dragging || (hold ? hold() : false) });
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
    for (const region of this.regions) region.update({ force: force && !this.dragging });
  }
}
