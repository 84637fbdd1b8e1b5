// The results page (/results/{board}): the closed board's outcome for whoever holds a
// token on this device, with the person's own notes and downloads.

import { downloadExport } from "../api.js";
import { h } from "../dom.js";
import { t } from "../i18n.js";
import { isClosed } from "../state.js";
import { errorText, phaseStepper, toast } from "./common.js";
import { BoardPage } from "./page.js";
import { resultsView } from "./results.js";

export function mountResults(root, conn, boardId, token, role) {
  const page = new BoardPage(root, conn, { role });
  const mainEl = h("main", { id: "main", class: "results-page", tabIndex: -1 });
  page.body.append(mainEl);
  page.region(mainEl, () => {
    const state = conn.state;
    const closed = isClosed(state);
    return [
      h("h1", { text: `${t("results.title")}: ${state.board.title}` }),
      phaseStepper(state, { compact: true }),
      closed ? resultsView(state, {}) : h("p", { class: "panel", text: t("results.notYet") }),
      closed
        ? h(
            "section",
            { class: "results-block exports" },
            h("h2", { text: t("results.export") }),
            h(
              "div",
              { class: "button-row" },
              ["html", "md", "csv", "json"].map((format) =>
                h("button", {
                  type: "button",
                  class: "btn btn-secondary btn-small",
                  text: format.toUpperCase(),
                  on: {
                    click: async () => {
                      try {
                        await downloadExport(boardId, format, token);
                      } catch (error) {
                        toast(errorText(error), "error");
                      }
                    },
                  },
                }),
              ),
            ),
          )
        : null,
    ];
  });
  return page;
}
