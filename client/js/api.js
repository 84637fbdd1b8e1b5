// The HTTP side of the server: create, join, look up a code, download exports.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message || code || `HTTP ${status}`);
    this.status = status;
    this.code = code;
  }
}

async function request(method, path, body, token) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (token) headers.Authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, "network", "");
  }
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) {
    const error = new ApiError(response.status, data?.error || "http", data?.message || "");
    error.details = data; // extra fields, e.g. an expired invite's "reason"
    throw error;
  }
  return data;
}

export const createBoard = (options) => request("POST", "/api/boards", options);
export const joinBoard = (joinCode, name) =>
  request("POST", "/api/join", { join_code: joinCode, name });
export const lookupCode = (joinCode) =>
  request("GET", `/api/codes/${encodeURIComponent(joinCode)}`);

/**
 * The file name a download answer gives (Content-Disposition): the UTF-8 `filename*`
 * (the board's title with its umlauts), else the ASCII `filename`, else `fallback`.
 */
export function downloadName(header, fallback) {
  const star = /filename\*=UTF-8''([^;]+)/i.exec(header || "");
  if (star) {
    try {
      return decodeURIComponent(star[1].trim());
    } catch {
      // a malformed escape: take the plain name
    }
  }
  const plain = /filename="([^"]+)"/i.exec(header || "");
  return plain ? plain[1] : fallback;
}

/** Download an export with the token in the Authorization header, as a file named
 * after the board's title and date (`params`: e.g. `{ sep: ";" }` for a CSV). */
export async function downloadExport(boardId, format, token, params = null) {
  let response;
  const query = params ? `?${new URLSearchParams(params)}` : "";
  try {
    response = await fetch(`/api/boards/${encodeURIComponent(boardId)}/export.${format}${query}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
  } catch {
    throw new ApiError(0, "network", "");
  }
  if (!response.ok) {
    let data = null;
    try {
      data = await response.json();
    } catch {
      data = null;
    }
    throw new ApiError(response.status, data?.error || "http", data?.message || "");
  }
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = downloadName(response.headers.get("content-disposition"), `gamestorm-${boardId}.${format}`);
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

// -- facilitator access and sharing (server/access.py)
const boardPath = (boardId, rest) => `/api/boards/${encodeURIComponent(boardId)}/${rest}`;
export const createInvite = (boardId, token) =>
  request("POST", boardPath(boardId, "facilitator-invites"), undefined, token);
export const redeemInvite = (boardId, code) =>
  boardId
    ? request("POST", boardPath(boardId, "facilitator-invites/redeem"), { code })
    : request("POST", "/api/facilitator-invites/redeem", { code }); // typed: the code names its board
export const revokeOtherFacilitators = (boardId, token) =>
  request("POST", boardPath(boardId, "facilitator-tokens/revoke-others"), undefined, token);
export const createShare = (boardId, token) => request("POST", boardPath(boardId, "share"), undefined, token);
export const revokeShare = (boardId, token) => request("DELETE", boardPath(boardId, "share"), undefined, token);

// --- issue-15: the waiting loop: a new board from a closed board's parked items ---
export const startWaitingLoop = (boardId, token) =>
  request("POST", "/api/boards", { from_board: boardId }, token);
