// The start page (create a board, join one) and the join page (/join/{code}).

import { createBoard, joinBoard, lookupCode } from "../api.js";
import { h } from "../dom.js";
import { lang, onLangChange, t } from "../i18n.js";
import * as store from "../storage.js";
import { takeoverLink } from "./access.js";
import { errorText, langButton } from "./common.js";
import { charCounter } from "./limits.js";

function normalizeCode(raw) {
  return String(raw || "").toUpperCase().replace(/[\s-]/g, "");
}

function field(id, label, control, help) {
  return h(
    "div",
    { class: "field" },
    h("label", { htmlFor: id, text: label }),
    help ? h("p", { id: `${id}-help`, class: "hint", text: help }) : null,
    control,
  );
}

function topbar() {
  return h(
    "header",
    { class: "topbar" },
    h("div", { class: "topbar-title" }, h("span", { class: "brand", attrs: { "aria-hidden": "true" } }), h("a", { class: "board-title home-link", href: "/", text: t("app.name") })),
    h("div", { class: "topbar-status" }, langButton()),
  );
}

function errorLine(id) {
  return h("p", { id, class: "form-error", attrs: { role: "alert" }, hidden: true });
}

function showError(el, text) {
  el.textContent = text;
  el.hidden = !text;
}

function joinErrorText(error) {
  if (error.status === 404 || error.code === "not_found") return t("join.unknown");
  if (error.code === "phase_forbids") return t("join.closed");
  if (error.code === "rate_limited") return t("join.rateLimited");
  return errorText(error);
}

function joinForm({ code = "", onJoined }) {
  const error = errorLine("join-error");
  const codeInput = h("input", {
    id: "join-code",
    name: "code",
    type: "text",
    required: true,
    value: code,
    autocomplete: "off",
    autocapitalize: "characters",
    spellcheck: false,
    maxLength: 12,
    class: "code-input",
  });
  const nameInput = h("input", { id: "join-name", name: "name", type: "text", required: true, maxLength: 60, autocomplete: "nickname" });
  const button = h("button", { type: "submit", class: "btn btn-primary", text: t("start.submitJoin") });
  return h(
    "form",
    {
      class: "stack",
      attrs: { "aria-labelledby": "join-h", novalidate: true },
      on: {
        submit: async (event) => {
          event.preventDefault();
          showError(error, "");
          const joinCode = normalizeCode(codeInput.value);
          const name = nameInput.value.trim();
          if (!joinCode) return showError(error, t("field.required")), codeInput.focus();
          if (!name) return showError(error, t("field.required")), nameInput.focus();
          button.disabled = true;
          try {
            const joined = await joinBoard(joinCode, name);
            store.setToken(joined.board_id, "participant", joined.token);
            store.setName(joined.board_id, name);
            store.setCode(joined.board_id, joinCode);
            onJoined(joined);
          } catch (err) {
            showError(error, joinErrorText(err));
            button.disabled = false;
          }
        },
      },
    },
    field("join-code", t("start.code"), codeInput),
    field("join-name", t("start.name"), [nameInput, charCounter(nameInput, 60)]),
    error,
    button,
  );
}

function goToBoard(joined) {
  location.assign(`/board/${encodeURIComponent(joined.board_id)}`);
}

function knownBoardsList() {
  const boards = store.knownBoards();
  if (!boards.length) return null;
  return h(
    "section",
    { class: "panel", attrs: { "aria-labelledby": "known-h" } },
    h("h2", { id: "known-h", text: t("start.yourBoards") }),
    h(
      "ul",
      { class: "known-boards" },
      boards.map((b) =>
        h(
          "li",
          {},
          h("a", {
            href: b.role === "facilitator" ? `/facilitate/${encodeURIComponent(b.boardId)}` : `/board/${encodeURIComponent(b.boardId)}`,
            text: b.title,
          }),
          h("span", { class: "hint", text: ` · ${t(`role.${b.role}`)}` }),
        ),
      ),
    ),
  );
}

/** The browser's IANA time zone ("Europe/Berlin"); UTC if it does not say. */
function browserTimeZone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

/** Every IANA zone the browser knows, for the time zone field's suggestions. */
function timeZoneNames() {
  try {
    return Intl.supportedValuesOf("timeZone");
  } catch {
    return [];
  }
}

function languageSelect() {
  const select = h(
    "select",
    { id: "c-lang", attrs: { "aria-describedby": "c-lang-help" } },
    h("option", { value: "en", text: "English" }),
    h("option", { value: "de", text: "Deutsch" }),
  );
  select.value = lang();
  return select;
}

function timeZoneInput() {
  const names = timeZoneNames();
  const input = h("input", {
    id: "c-tz",
    type: "text",
    value: browserTimeZone(),
    maxLength: 64,
    autocomplete: "off",
    spellcheck: false,
    attrs: { list: "c-tz-list", "aria-describedby": "c-tz-help" },
  });
  const list = h("datalist", { id: "c-tz-list" }, ["UTC", ...names.filter((n) => n !== "UTC")].map((n) => h("option", { value: n })));
  return { input, list };
}

function createForm() {
  const error = errorLine("create-error");
  const title = h("input", { id: "c-title", type: "text", required: true, maxLength: 200, attrs: { placeholder: t("start.titlePlaceholder") } });
  const prompt = h("textarea", { id: "c-prompt", rows: 2, maxLength: 1000, attrs: { placeholder: t("start.promptPlaceholder"), "aria-describedby": "c-prompt-help" } });
  const criteria = h("textarea", { id: "c-criteria", rows: 3, value: t("start.criteriaDefault"), attrs: { "aria-describedby": "c-criteria-help" } });
  const topN = h("input", { id: "c-topn", type: "number", min: "1", max: "50", value: "3", required: true, inputMode: "numeric" });
  const anonymous = h("input", { id: "c-anon", type: "checkbox", checked: true });
  const name = h("input", { id: "c-name", type: "text", maxLength: 60, autocomplete: "name" });
  const language = languageSelect();
  const zone = timeZoneInput();
  const button = h("button", { type: "submit", class: "btn btn-primary", text: t("start.submitCreate") });
  return h(
    "form",
    {
      class: "stack",
      attrs: { "aria-labelledby": "create-h", novalidate: true },
      on: {
        submit: async (event) => {
          event.preventDefault();
          showError(error, "");
          if (!title.value.trim()) return showError(error, t("field.required")), title.focus();
          const body = {
            title: title.value.trim(),
            game: "gamestorm",
            anonymous: anonymous.checked,
            criteria: criteria.value.split("\n").map((c) => c.trim()).filter(Boolean),
            top_n: Number.parseInt(topN.value, 10) || 3,
            language: language.value,
            timezone: zone.input.value.trim() || browserTimeZone(),
          };
          if (!body.criteria.length) body.criteria = [t("start.criteriaDefault")];
          if (prompt.value.trim()) body.prompt = prompt.value.trim();
          if (name.value.trim()) body.facilitator_name = name.value.trim();
          button.disabled = true;
          try {
            const created = await createBoard(body);
            const id = created.board_id;
            store.setToken(id, "facilitator", created.facilitator_token);
            if (created.projector_token) store.setToken(id, "projector", created.projector_token);
            store.setCode(id, created.join_code);
            store.setTitle(id, body.title);
            location.assign(`/facilitate/${encodeURIComponent(id)}`);
          } catch (err) {
            showError(error, errorText(err));
            button.disabled = false;
          }
        },
      },
    },
    field("c-title", t("start.titleField"), [title, charCounter(title, 200)]),
    field("c-prompt", t("start.prompt"), [prompt, charCounter(prompt, 1000)], t("start.promptHelp")),
    field("c-criteria", t("start.criteria"), criteria, t("start.criteriaHelp")),
    field("c-topn", t("start.topN"), topN),
    h("div", { class: "field field-check" }, anonymous, h("label", { htmlFor: "c-anon", text: t("start.anonymous") })),
    field("c-name", t("start.facilitatorName"), [name, charCounter(name, 60)]),
    field("c-lang", t("start.language"), language, t("start.languageHelp")),
    field("c-tz", t("start.timezone"), [zone.input, zone.list], t("start.timezoneHelp")),
    error,
    button,
  );
}

export function mountStart(root) {
  const draw = () => {
    root.replaceChildren(
      topbar(),
      h(
        "main",
        { id: "main", class: "start", tabIndex: -1 },
        h("div", { class: "intro" }, h("h1", { text: t("start.title") }), h("p", { class: "lead", text: t("start.lead") })),
        h(
          "div",
          { class: "start-grid" },
          h("section", { class: "panel" }, h("h2", { id: "join-h", text: t("start.join") }), joinForm({ onJoined: goToBoard })),
          h("section", { class: "panel" }, h("h2", { id: "create-h", text: t("start.create") }), createForm()),
        ),
        knownBoardsList(),
        takeoverLink(),
      ),
    );
  };
  draw();
  onLangChange(draw);
}

export async function mountJoin(root, rawCode) {
  const code = normalizeCode(rawCode);
  let info = null;
  let lookupError = null;
  if (code) {
    try {
      info = await lookupCode(code);
    } catch (err) {
      lookupError = err;
    }
  }
  const draw = () => {
    const boardId = info?.board_id;
    const token = boardId ? store.getToken(boardId, "participant") : null;
    const name = boardId ? store.getName(boardId) : null;
    const facilitator = boardId ? store.getToken(boardId, "facilitator") : null;
    if (info) store.setTitle(boardId, info.title);
    root.replaceChildren(
      topbar(),
      h(
        "main",
        { id: "main", class: "start join", tabIndex: -1 },
        h(
          "section",
          { class: "panel narrow" },
          h("h1", { id: "join-h", text: info ? t("join.title", { title: info.title }) : t("join.titleUnknown") }),
          lookupError ? h("p", { class: "form-error", attrs: { role: "alert" }, text: joinErrorText(lookupError) }) : null,
          info?.closed ? h("p", { class: "notice", text: t("join.closed") }) : null,
          token
            ? h("p", {}, h("a", { class: "btn btn-primary", href: info.closed ? `/results/${encodeURIComponent(boardId)}` : `/board/${encodeURIComponent(boardId)}`, text: t("join.continue", { name: name || "…" }) }))
            : null,
          facilitator ? h("p", {}, h("a", { class: "btn btn-secondary", href: `/facilitate/${encodeURIComponent(boardId)}`, text: t("console.title") })) : null,
          token && !info?.closed ? h("p", { class: "hint", text: t("join.asSomeoneElse") }) : null,
          info?.closed ? null : joinForm({ code, onJoined: goToBoard }),
        ),
      ),
    );
    const nameInput = root.querySelector("#join-name");
    if (nameInput && code && !token) nameInput.focus();
  };
  draw();
  onLangChange(draw);
}
