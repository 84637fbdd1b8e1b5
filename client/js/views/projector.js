// The projector view: read-only, large type, for a shared screen of 1920x1080. Every
// phase fits the screen without scrolling: a head (phase, purpose, prompt), a stage that
// takes the rest of the height (counts, tiles or charts, never every note: tiles.js),
// and a side column with the timer, the join code and QR code (until the board
// closes) and the counts.

import { h } from "../dom.js";
import { t } from "../i18n.js";
import * as store from "../storage.js";
import { currentPhase } from "../state.js";
import { phaseStepper, phaseTitle, promptText, scoreBoard, timerDisplay } from "./common.js";
import { BoardPage } from "./page.js";
import { affinityTiles, namingTiles, rankingTiles, resultsChart } from "./tiles.js";
import { joinBase } from "./share.js";

export function mountProjector(root, conn, boardId) {
  root.classList.add("projector-root");
  const page = new BoardPage(root, conn, { role: "projector" });
  const headEl = h("div", { class: "projector-head" });
  const stageEl = h("div", { class: "projector-stage" });
  const mainEl = h("div", { class: "projector-main" }, headEl, stageEl);
  const sideEl = h("aside", { class: "projector-side" });
  page.body.append(h("main", { id: "main", class: "projector", tabIndex: -1 }, mainEl, sideEl));
  page.region(headEl, () => head());
  page.region(stageEl, () => stage());
  page.region(sideEl, () => side());

  function head() {
    const state = conn.state;
    const phase = currentPhase(state);
    stageEl.dataset.phase = phase.type;
    return [
      phaseStepper(state, { compact: true }),
      h("h1", { class: "projector-phase", text: phaseTitle(phase) }),
      h("p", { class: "projector-purpose", text: t(`purpose.${phase.type}`) }),
      promptText(state.prompt, { large: true }),
    ];
  }

  function stage() {
    const state = conn.state;
    switch (currentPhase(state).type) {
      case "ignite":
        return h(
          "p",
          { class: "big-count", dataset: { bigJoined: "" } },
          h("span", { class: "big-number", text: String(state.counts.participants) }),
          h("span", { text: ` ${t("projector.joined", { n: state.counts.participants })}` }),
        );
      case "generate":
        return h(
          "p",
          { class: "big-count", dataset: { bigCount: "" } },
          h("span", { class: "big-number", text: String(state.counts.notes) }),
          h("span", { text: ` ${t("projector.writing", { n: state.counts.notes })}` }),
        );
      case "affinity":
        return affinityTiles(state);
      case "name":
        return namingTiles(state);
      case "rank":
        return rankingTiles(state);
      case "close":
        return resultsChart(state);
      default:
        return null;
    }
  }

  function side() {
    const state = conn.state;
    const code = conn.joinCode || store.getCode(boardId);
    const closed = state.phase_index === state.board.game.phases.length - 1;
    return [
      h("div", { class: "timer-slot", dataset: { timerSlot: "", timerLarge: "true" } }, timerDisplay(conn, { large: true })),
      code && !closed
        ? h(
            "section",
            { class: "share share-lg" },
            h("p", { class: "join-code-label", text: t("share.joinAt") }),
            h("p", { class: "join-url", text: `${joinBase(conn).replace(/^https?:\/\//, "")}/join` }),
            h("p", { class: "join-code join-code-xl", dataset: { joinCode: code }, text: code }),
            h("img", { class: "qr qr-lg", src: `/join/${encodeURIComponent(code)}/qr.svg`, alt: t("share.qr"), width: 260, height: 260 }),
          )
        : null,
      scoreBoard(conn, { large: true }),
    ];
  }

  return page;
}
