// The results page (/results/{board}): the closed board's outcome for whoever holds a
// token on this device, with the person's own notes and downloads.

import { h } from "../dom.js";
import { t } from "../i18n.js";
import { isClosed } from "../state.js";
import { exportButtons, phaseStepper } from "./common.js";
import { BoardPage } from "./page.js";
import { resultsView } from "./results.js";
import { loopHandlers } from "./followup.js"; // issue-15

/** A share link opened before close: the server shows nothing until the results exist. */
export function resultsNotYet() {
  return h(
    "main",
    { id: "main", class: "results-page", tabIndex: -1 },
    h("h1", { text: t("results.title") }),
    h("p", { class: "panel", attrs: { role: "status" }, text: t("results.notYetShared") }),
  );
}

export function mountResults(root, conn, boardId, token, role) {
  const page = new BoardPage(root, conn, { role });
  // issue-15: the facilitator edits the follow-up loop here too
  const ui = { followups: {}, swap: null };
  const loop = role === "facilitator" ? { loopEditable: true, ui, ...loopHandlers(conn, boardId, token, ui, () => page.schedule()) } : { ui };
  const mainEl = h("main", { id: "main", class: "results-page", tabIndex: -1 });
  page.body.append(mainEl);
  page.region(mainEl, () => {
    const state = conn.state;
    const closed = isClosed(state);
    return [
      h("h1", { text: `${t("results.title")}: ${state.board.title}` }),
      phaseStepper(state, { compact: true }),
      closed ? resultsView(state, loop) : h("p", { class: "panel", text: t("results.notYet") }),
      closed ? exportButtons(boardId, token) : null,
    ];
  });
  return page;
}
