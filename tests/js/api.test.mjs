// issue-15: exports: the download takes its file name from the server's
// Content-Disposition (the board's title and date), umlauts included.
import assert from "node:assert/strict";
import { test } from "node:test";

import { downloadName } from "../../client/js/api.js";

test("the UTF-8 name wins, then the ASCII one, then the fallback", () => {
  const header = "attachment; filename=\"kundentag-koeln-2026-01-01.csv\"; filename*=UTF-8''Kundentag-K%C3%B6ln-2026-01-01.csv";
  assert.equal(downloadName(header, "x.csv"), "Kundentag-Köln-2026-01-01.csv");
  assert.equal(downloadName('attachment; filename="a-2026-01-01.csv"', "x.csv"), "a-2026-01-01.csv");
  assert.equal(downloadName(null, "gamestorm-b.csv"), "gamestorm-b.csv");
  assert.equal(downloadName("attachment; filename*=UTF-8''%E0%A4%A; filename=\"p.csv\"", "x"), "p.csv");
});
