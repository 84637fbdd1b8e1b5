// Entry point: pick the view from the path, take a token from the URL fragment into
// storage, connect, and mount the view.
//
//   /                       start page          /join/{code}       join form
//   /facilitate/{board}     facilitator console /board/{board}     participant view
//   /project/{board}        projector view      /results/{board}   results page
//   /takeover/{board}       redeem a facilitator invite (#invite=), then the console

import { BoardConnection } from "./connection.js";
import { t } from "./i18n.js";
import * as store from "./storage.js";
import { accessEnded, mountTakeover } from "./views/access.js";
import { noAccess } from "./views/common.js";
import { mountConsole } from "./views/console.js";
import { mountParticipant } from "./views/participant.js";
import { mountProjector } from "./views/projector.js";
import { mountResults, resultsNotYet } from "./views/results-page.js";
import { mountJoin, mountStart } from "./views/start.js";

const ROUTES = [
  [/^\/facilitate\/([^/]+)\/?$/, "facilitator"],
  [/^\/board\/([^/]+)\/?$/, "participant"],
  [/^\/project\/([^/]+)\/?$/, "projector"],
  [/^\/results\/([^/]+)\/?$/, "results"],
  [/^\/takeover\/([^/]+)\/?$/, "takeover"],
];

function boot() {
  const root = document.getElementById("app");
  document.querySelector(".skip-link").textContent = t("skip");
  const path = location.pathname;
  if (path === "/" || path === "") return mountStart(root);
  if (/^\/takeover\/?$/.test(path)) return mountTakeover(root, null); // an invite code typed by hand
  const join = /^\/join(?:\/([^/]+))?\/?$/.exec(path);
  if (join) return mountJoin(root, join[1] ? decodeURIComponent(join[1]) : "");
  for (const [pattern, view] of ROUTES) {
    const match = pattern.exec(path);
    if (!match) continue;
    const boardId = decodeURIComponent(match[1]);
    if (view === "takeover") return mountTakeover(root, boardId);
    return mountBoard(root, view, boardId);
  }
  return mountStart(root);
}

function mountBoard(root, view, boardId) {
  const fragmentRole = view === "results" ? "participant" : view;
  store.absorbFragment(boardId, fragmentRole);
  let role = view;
  let token = null;
  if (view === "results") {
    for (const candidate of ["participant", "facilitator", "projector", "viewer"]) {
      token = store.getToken(boardId, candidate);
      if (token) {
        role = candidate;
        break;
      }
    }
  } else {
    token = store.getToken(boardId, view);
  }
  const code = store.getCode(boardId);
  if (!token) {
    root.replaceChildren(noAccess(boardId, { code }));
    return;
  }
  const conn = new BoardConnection(boardId, token);
  conn.addEventListener("unauthorized", (event) => {
    store.clearToken(boardId, role);
    root.replaceChildren(accessEnded(event.detail, code));
  });
  conn.addEventListener(
    "change",
    () => {
      if (conn.state) store.setTitle(boardId, conn.state.board.title);
      document.title = `${conn.state?.board.title ?? ""} · Gamestorm`;
    },
  );
  let mounted = null;
  conn.addEventListener("notyet", () => {
    if (!mounted) root.replaceChildren(resultsNotYet());
  });
  conn.addEventListener("change", () => {
    if (mounted || !conn.state) return;
    if (view === "facilitator") mounted = mountConsole(root, conn, boardId, token);
    else if (view === "participant") mounted = mountParticipant(root, conn, boardId);
    else if (view === "projector") mounted = mountProjector(root, conn, boardId);
    else mounted = mountResults(root, conn, boardId, token, role);
    mounted.checkPhase();
    mounted.updateAll({ force: true });
  });
  conn.start();
  // expose for tests and debugging in the console; holds no secret beyond this page's own
  window.gamestorm = { conn };
}

boot();
