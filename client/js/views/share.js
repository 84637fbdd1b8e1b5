// Where phones join: the server's public URL (--public-url, or the LAN address it found at
// start-up, sent in the welcome) rather than the address this page was opened at, which is
// often localhost on the facilitator's laptop and unreachable from any phone.

import { h } from "../dom.js";
import { t } from "../i18n.js";

function isLoopbackHost(hostname) {
  const name = String(hostname || "").replace(/^\[|\]$/g, "").toLowerCase();
  return name === "localhost" || name.endsWith(".localhost") || /^127\./.test(name) || name === "::1";
}

/** The base URL phones should use, without a trailing slash. */
export function joinBase(conn) {
  if (conn.publicUrl && conn.linkScope === "network") return conn.publicUrl.replace(/\/+$/, "");
  return location.origin;
}

/** The absolute join link of a code. */
export function joinLink(conn, code) {
  return `${joinBase(conn)}/join/${encodeURIComponent(code)}`;
}

/** True when the join link only works on this machine (phones cannot reach it). */
export function localOnly(conn) {
  if (conn.linkScope === "local") return true;
  if (conn.publicUrl && conn.linkScope === "network") return false;
  return isLoopbackHost(location.hostname);
}

/** A visible warning for the facilitator when phones cannot reach the join link. */
export function localOnlyWarning(conn) {
  if (!localOnly(conn)) return null;
  return h(
    "div",
    { class: "link-warning", attrs: { role: "status" }, dataset: { linkWarning: "" } },
    h("p", { class: "link-warning-title", text: t("share.localTitle") }),
    h("p", { text: t("share.localHelp") }),
    h("p", {}, h("code", { text: "gamestorm serve --host 0.0.0.0" })),
    h("p", { class: "hint", text: t("share.localPublic") }),
  );
}
