// The interface texts (client/js/i18n.js) outside a browser: both languages hold the
// same keys, placeholders are filled, and the plural form follows the count.
import assert from "node:assert/strict";
import { test } from "node:test";

import { keysOf, lang, setLang, t } from "../../client/js/i18n.js";

test("without a browser the language is English", () => {
  assert.equal(lang(), "en");
});

test("English and German have the same keys", () => {
  const en = new Set(keysOf("en"));
  const de = new Set(keysOf("de"));
  assert.deepEqual([...en].filter((k) => !de.has(k)), [], "missing in German");
  assert.deepEqual([...de].filter((k) => !en.has(k)), [], "missing in English");
});

test("plural forms follow the count, in both languages", () => {
  setLang("en");
  assert.equal(t("board.notesCount", { n: 1 }), "1 note");
  assert.equal(t("board.notesCount", { n: 0 }), "0 notes");
  assert.equal(t("board.notesCount", { n: 1500 }), "1500 notes");
  assert.equal(t("projector.sorted", { sorted: 3, n: 1 }), "3 of 1 note sorted");
  setLang("de");
  assert.equal(t("board.notesCount", { n: 1 }), "1 Notiz");
  assert.equal(t("board.notesCount", { n: 2 }), "2 Notizen");
  assert.equal(t("projector.rankers", { rankers: 1, n: 1 }), "1 von 1 Person hat gerankt");
  setLang("en");
});

test("placeholders are filled and unknown ones are left visible", () => {
  assert.equal(t("rank.toTop", { name: "Speed" }), "Move Speed to the top");
  assert.equal(t("rank.toTop"), "Move {name} to the top");
  assert.equal(t("no.such.key"), "no.such.key");
});

test("a key missing in the picked language falls back to English", () => {
  setLang("de");
  assert.equal(t("app.name"), "Gamestorm");
  setLang("xx"); // unknown: ignored
  assert.equal(lang(), "de");
  setLang("en");
});
