// The projector view: read-only, large type, for a shared screen. The join code and QR
// code stay in view until the board closes; the board forms live.

import { h } from "../dom.js";
import { t } from "../i18n.js";
import * as store from "../storage.js";
import { currentPhase } from "../state.js";
import { boardView, describePlace } from "./board.js";
import { phaseStepper, phaseTitle, promptText, scoreBoard, timerDisplay } from "./common.js";
import { BoardPage } from "./page.js";
import { projectorNaming } from "./naming.js";
import { columnNotes } from "./ranking.js";
import { resultsView } from "./results.js";
import { joinBase } from "./share.js";

export function mountProjector(root, conn, boardId) {
  const page = new BoardPage(root, conn, { role: "projector" });
  const mainEl = h("div", { class: "projector-main" });
  const sideEl = h("aside", { class: "projector-side" });
  page.body.append(h("main", { id: "main", class: "projector", tabIndex: -1 }, mainEl, sideEl));
  page.region(mainEl, () => main());
  page.region(sideEl, () => side());

  function main() {
    const state = conn.state;
    const phase = currentPhase(state);
    const parts = [
      phaseStepper(state, { compact: true }),
      h("h1", { class: "projector-phase", text: phaseTitle(phase) }),
      h("p", { class: "projector-purpose", text: t(`purpose.${phase.type}`) }),
      promptText(state.prompt, { large: true }),
    ];
    switch (phase.type) {
      case "generate":
        parts.push(
          h("p", { class: "big-count", dataset: { bigCount: "" } }, h("span", { class: "big-number", text: String(state.counts.notes) }), h("span", { text: ` ${t("projector.writing", { n: state.counts.notes })}` })),
        );
        break;
      case "affinity":
        parts.push(boardView(state, { interactive: false, large: true }));
        break;
      case "name":
        parts.push(projectorNaming(state));
        break;
      case "rank":
        parts.push(
          h("p", { class: "big-count" }, h("span", { class: "big-number", text: String(state.counts.rankers) }), h("span", { text: ` / ${state.counts.participants} ${t("score.rankers")}` })),
          h(
            "ol",
            { class: "cards cards-lg" },
            state.candidates.map((id) =>
              h("li", { class: "card" }, h("h3", { text: describePlace(state, id) }), columnNotes(state, state.columns.find((c) => c.id === id))),
            ),
          ),
        );
        break;
      case "close":
        parts.push(resultsView(state, { large: true }));
        break;
      default:
        break;
    }
    return parts;
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
