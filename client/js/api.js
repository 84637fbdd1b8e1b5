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
    throw new ApiError(response.status, data?.error || "http", data?.message || "");
  }
  return data;
}

export const createBoard = (options) => request("POST", "/api/boards", options);
export const joinBoard = (joinCode, name) =>
  request("POST", "/api/join", { join_code: joinCode, name });
export const lookupCode = (joinCode) =>
  request("GET", `/api/codes/${encodeURIComponent(joinCode)}`);

/** Download an export with the token in the Authorization header, as a file. */
export async function downloadExport(boardId, format, token) {
  let response;
  try {
    response = await fetch(`/api/boards/${encodeURIComponent(boardId)}/export.${format}`, {
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
  link.download = `gamestorm-${boardId}.${format}`;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
