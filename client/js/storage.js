// What the browser keeps per board: tokens (so a reload resumes the same identity),
// the join code, the name, note drafts and unfinished ranking orders.
//
// Keys: gamestorm:token:{board}        participant token
//       gamestorm:facilitator:{board}  facilitator token
//       gamestorm:projector:{board}    projector (read-only) token
//       gamestorm:viewer:{board}       share-link (read-only results) token
//       gamestorm:code:{board}         join code
//       gamestorm:name:{board}         the name this device joined with
//       gamestorm:title:{board}        board title (for the list on the start page)
//       gamestorm:draft:{board}        the note being typed
//       gamestorm:rankdraft:{board}    unsubmitted ranking orders per criterion

const PREFIX = "gamestorm:";
const ROLE_KEYS = { participant: "token", facilitator: "facilitator", projector: "projector", viewer: "viewer" };

function get(key) {
  try {
    return localStorage.getItem(PREFIX + key);
  } catch {
    return null;
  }
}

function set(key, value) {
  try {
    if (value === null || value === undefined || value === "") localStorage.removeItem(PREFIX + key);
    else localStorage.setItem(PREFIX + key, value);
  } catch {
    // storage full or disabled: the page still works, only without resuming
  }
}

export function getToken(boardId, role) {
  return get(`${ROLE_KEYS[role]}:${boardId}`);
}

export function setToken(boardId, role, token) {
  set(`${ROLE_KEYS[role]}:${boardId}`, token);
}

export function clearToken(boardId, role) {
  set(`${ROLE_KEYS[role]}:${boardId}`, null);
}

export const getCode = (boardId) => get(`code:${boardId}`);
export const setCode = (boardId, code) => set(`code:${boardId}`, code);
export const getName = (boardId) => get(`name:${boardId}`);
export const setName = (boardId, name) => set(`name:${boardId}`, name);
export const getTitle = (boardId) => get(`title:${boardId}`);
export const setTitle = (boardId, title) => set(`title:${boardId}`, title);
export const getDraft = (boardId) => get(`draft:${boardId}`) || "";
export const setDraft = (boardId, text) => set(`draft:${boardId}`, text);

export function getRankDraft(boardId) {
  try {
    return JSON.parse(get(`rankdraft:${boardId}`) || "{}") || {};
  } catch {
    return {};
  }
}

export function setRankDraft(boardId, drafts) {
  set(`rankdraft:${boardId}`, JSON.stringify(drafts));
}

/** Boards this browser holds a token for: [{boardId, role, title}]. */
export function knownBoards() {
  const found = [];
  try {
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i);
      const match = /^gamestorm:(token|facilitator):(.+)$/.exec(key || "");
      if (!match) continue;
      const role = match[1] === "token" ? "participant" : "facilitator";
      found.push({ boardId: match[2], role, title: getTitle(match[2]) || match[2] });
    }
  } catch {
    return [];
  }
  return found;
}

/**
 * Take `#token=...&code=...` (or a share link's `#share=...`) from the address bar into
 * storage and remove the fragment, so the token does not linger in the history,
 * bookmarks or screenshots.
 */
export function absorbFragment(boardId, role) {
  if (!location.hash) return;
  const params = new URLSearchParams(location.hash.slice(1));
  const token = params.get("token");
  if (token) setToken(boardId, role, token);
  const share = params.get("share");
  if (share) setToken(boardId, "viewer", share);
  const code = params.get("code");
  if (code) setCode(boardId, code);
  history.replaceState(history.state, "", location.pathname + location.search);
}
