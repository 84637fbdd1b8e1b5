// Who else may run or read the board: the console's "Facilitator access" and "Share
// results" panels, the projector link to copy, the /takeover/{board} page that redeems
// an invite from another device, and the page shown when a device was signed out.
//
// Tokens travel only in URL fragments (#token=, #invite=, #share=), which browsers never
// send to the server in a page request; the pages take them into storage and strip them.

import {
  createInvite,
  createShare,
  redeemInvite,
  revokeOtherFacilitators,
  revokeShare,
} from "../api.js";
import { h } from "../dom.js";
import { t } from "../i18n.js";
import * as store from "../storage.js";
import { errorText, toast, unauthorized } from "./common.js";
import { copyText } from "./participant.js";

const absolute = (path) => `${location.origin}${path}`;

/** ABCDEFGHJK -> ABCDE-FGHJK: easier to read aloud and type. */
export const formatInviteCode = (code) => (code.length === 10 ? `${code.slice(0, 5)}-${code.slice(5)}` : code);

function clock(epochSeconds) {
  return new Date(epochSeconds * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

/**
 * The console's "Facilitator access" section: this device's link, a one-time invite for
 * another device (link, QR, code), and signing out every other facilitator device.
 * `ui` keeps what was fetched across re-renders; `refresh` re-renders the aside.
 */
export function facilitatorAccess(boardId, token, ui, refresh) {
  const myLink = absolute(`/facilitate/${encodeURIComponent(boardId)}#token=${encodeURIComponent(token)}`);
  const invite = ui.invite && ui.invite.expires_at * 1000 > Date.now() ? ui.invite : null;
  const makeInvite = async () => {
    ui.busy = true;
    refresh();
    try {
      ui.invite = await createInvite(boardId, token);
    } catch (error) {
      toast(errorText(error), "error");
    } finally {
      ui.busy = false;
      refresh();
    }
  };
  const signOutOthers = async () => {
    ui.confirmSignOut = false;
    try {
      const { revoked } = await revokeOtherFacilitators(boardId, token);
      ui.invite = null;
      toast(t("access.signedOutOthers", { count: revoked }));
    } catch (error) {
      toast(errorText(error), "error");
    }
    refresh();
  };
  return h(
    "section",
    { class: "access", attrs: { "aria-labelledby": "access-h" } },
    h("h2", { id: "access-h", text: t("access.title") }),
    h("p", { class: "hint", text: t("access.help") }),
    h("button", {
      type: "button",
      class: "btn btn-secondary btn-small",
      fkey: "copy-facilitator-link",
      dataset: { copyFacilitatorLink: "" },
      text: t("access.copyMine"),
      on: { click: () => copyText(myLink) },
    }),
    h("p", { class: "hint access-warning", text: t("access.mineWarning") }),
    h("button", {
      type: "button",
      class: "btn btn-secondary btn-small",
      fkey: "make-invite",
      dataset: { makeInvite: "" },
      disabled: Boolean(ui.busy),
      text: t("access.invite"),
      on: { click: makeInvite },
    }),
    invite
      ? h(
          "div",
          { class: "invite", dataset: { invite: "" } },
          h("img", {
            class: "qr invite-qr",
            src: `data:image/svg+xml,${encodeURIComponent(invite.qr_svg)}`,
            alt: t("access.inviteQr"),
            width: 180,
            height: 180,
          }),
          h("p", { class: "invite-link" }, h("a", { href: invite.url, target: "_blank", rel: "noopener", dataset: { inviteLink: "" }, text: absolute(invite.url) })),
          h("p", {}, t("access.inviteCode"), " ", h("strong", { class: "invite-code", dataset: { inviteCode: "" }, text: formatInviteCode(invite.code) })),
          h("p", { class: "hint", text: t("access.inviteHelp", { time: clock(invite.expires_at) }) }),
          h("button", { type: "button", class: "btn btn-quiet btn-small", text: t("share.copy"), on: { click: () => copyText(absolute(invite.url)) } }),
        )
      : null,
    ui.confirmSignOut
      ? h(
          "div",
          { class: "sign-out-confirm", attrs: { role: "group", "aria-labelledby": "sign-out-q" } },
          h("p", { id: "sign-out-q", text: t("access.signOutConfirm") }),
          h(
            "div",
            { class: "button-row" },
            h("button", {
              type: "button",
              class: "btn btn-danger btn-small",
              fkey: "sign-out-confirm",
              dataset: { confirmSignOut: "" },
              text: t("access.signOutOthers"),
              on: { click: signOutOthers },
            }),
            h("button", {
              type: "button",
              class: "btn btn-quiet btn-small",
              fkey: "sign-out-cancel",
              text: t("advance.cancel"),
              on: {
                click: () => {
                  ui.confirmSignOut = false;
                  refresh();
                },
              },
            }),
          ),
        )
      : h("button", {
          type: "button",
          class: "btn btn-quiet btn-small btn-danger-quiet",
          fkey: "sign-out-others",
          dataset: { signOutOthers: "" },
          text: t("access.signOutOthers"),
          on: {
            click: () => {
              ui.confirmSignOut = true;
              refresh();
            },
          },
        }),
  );
}

/** "Copy projector link": the projector token this device holds, for another machine. */
export function projectorCopy(projectorUrl) {
  if (!projectorUrl) return null;
  return h(
    "section",
    { class: "projector-copy", attrs: { "aria-label": t("access.copyProjector") } },
    h("button", {
      type: "button",
      class: "btn btn-quiet btn-small",
      fkey: "copy-projector",
      dataset: { copyProjectorLink: "" },
      text: t("access.copyProjector"),
      on: { click: () => copyText(absolute(projectorUrl)) },
    }),
    h("span", { class: "hint", text: ` ${t("access.copyProjectorHelp")}` }),
  );
}

/** "Share results": a read-only link for people who never joined; withdraw them all. */
export function sharePanel(boardId, token, ui, refresh, { prominent = false } = {}) {
  const make = async () => {
    try {
      ui.share = await createShare(boardId, token);
      await copyText(absolute(ui.share.url));
    } catch (error) {
      toast(errorText(error), "error");
    }
    refresh();
  };
  const withdraw = async () => {
    try {
      const { revoked } = await revokeShare(boardId, token);
      ui.share = null;
      toast(t("resultsShare.revoked", { count: revoked }));
    } catch (error) {
      toast(errorText(error), "error");
    }
    refresh();
  };
  const id = prominent ? "results-share-h" : "share-results-h";
  return h(
    "section",
    { class: ["results-share", prominent && "panel results-share-prominent"], attrs: { "aria-labelledby": id } },
    h(prominent ? "h2" : "h3", { id, text: t("resultsShare.title") }),
    h("p", { class: "hint", text: t("resultsShare.help") }),
    h(
      "div",
      { class: "button-row" },
      h("button", {
        type: "button",
        class: ["btn", "btn-small", prominent ? "btn-primary" : "btn-secondary"],
        dataset: { createShare: "" },
        text: t("resultsShare.create"),
        on: { click: make },
      }),
      h("button", {
        type: "button",
        class: "btn btn-quiet btn-small",
        dataset: { revokeShare: "" },
        text: t("resultsShare.revoke"),
        on: { click: withdraw },
      }),
    ),
    ui.share
      ? h(
          "p",
          { class: "share-link" },
          h("a", { href: ui.share.url, target: "_blank", rel: "noopener", dataset: { shareLink: "" }, text: absolute(ui.share.url) }),
          " ",
          h("button", { type: "button", class: "btn btn-quiet btn-small", text: t("share.copy"), on: { click: () => copyText(absolute(ui.share.url)) } }),
        )
      : null,
  );
}

/** What a page shows when its token is refused: signed out by another device, or gone. */
export function accessEnded(detail, code) {
  const reason = detail?.reason;
  if (reason !== "signed_out" && reason !== "share_withdrawn") return unauthorized(code);
  const withdrawn = reason === "share_withdrawn";
  return h(
    "section",
    { class: "panel narrow signed-out", dataset: { signedOut: reason }, attrs: { role: "alert" } },
    h("h1", { text: t(withdrawn ? "resultsShare.withdrawnTitle" : "access.signedOutTitle") }),
    h("p", { text: t(withdrawn ? "resultsShare.withdrawnText" : "access.signedOutText") }),
    h("p", {}, h("a", { class: "btn btn-secondary", href: "/", text: t("access.home") })),
  );
}

/** The start page's way in for a facilitator invite code read off another screen. */
export function takeoverLink() {
  return h(
    "p",
    { class: "takeover-link hint" },
    t("access.haveCode"),
    " ",
    h("a", { href: "/takeover", dataset: { takeoverLink: "" }, text: t("access.enterCode") }),
  );
}

/**
 * /takeover/{board}#invite=CODE: redeem the one-time invite for a facilitator token of
 * this device, then open the console. Without a code in the fragment, a form to type it;
 * /takeover (no board, `boardId` null) takes a typed code, which names its board itself.
 */
export function mountTakeover(root, boardId) {
  const params = new URLSearchParams(location.hash.slice(1));
  const fromLink = params.get("invite");
  if (location.hash) history.replaceState(history.state, "", location.pathname + location.search);
  const status = h("p", { class: "takeover-status", attrs: { role: "status" } });
  const input = h("input", { id: "invite-code", autocomplete: "off", autocapitalize: "characters", spellcheck: false, maxLength: 16, required: true });
  const button = h("button", { type: "submit", class: "btn btn-primary", text: t("access.takeoverGo") });
  const form = h(
    "form",
    {
      class: "takeover-form",
      on: {
        submit: (event) => {
          event.preventDefault();
          if (input.value.trim()) redeem(input.value.trim());
        },
      },
    },
    h("label", { htmlFor: "invite-code", text: t("access.takeoverCode") }),
    input,
    button,
  );
  root.replaceChildren(
    h(
      "main",
      { id: "main", class: "panel narrow takeover", tabIndex: -1 },
      h("h1", { text: t("access.takeoverTitle") }),
      h("p", { class: "hint", text: t("access.takeoverHelp") }),
      status,
      form,
    ),
  );

  async function redeem(code) {
    status.className = "takeover-status";
    status.textContent = t("access.takeoverWorking");
    button.disabled = true;
    try {
      const granted = await redeemInvite(boardId, code);
      store.setToken(granted.board_id, "facilitator", granted.token);
      if (granted.projector_token) store.setToken(granted.board_id, "projector", granted.projector_token);
      location.replace(`/facilitate/${encodeURIComponent(granted.board_id)}`);
    } catch (error) {
      button.disabled = false;
      status.className = "takeover-status notice notice-error";
      status.dataset.takeoverError = error.code || "";
      status.textContent =
        error.code === "expired"
          ? t(error.details?.reason === "used" ? "access.inviteUsed" : "access.inviteExpired")
          : error.code === "not_found"
            ? t("access.inviteUnknown")
            : errorText(error);
      form.hidden = false;
    }
  }

  if (fromLink) {
    form.hidden = true;
    redeem(fromLink);
  }
}
