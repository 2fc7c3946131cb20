// What the browser knows of core, checked against core: the records the
// server holds were signed by core's `RecordDraft`, whose envelope `refs`
// are exactly what `Body::references` names for their kind, so the UI's
// `references()` (which it uses when it signs) must name the same for every
// record in the log — or the log would refuse what the UI signs.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, user, open } from "../support.mjs";

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

test("the UI names the same references as core for every record kind in the log", async () => {
  const { page, context } = await user(browser);
  await open(page, "#/");
  const result = await page.evaluate(async () => {
    const { references } = await import(new URL("records.js", document.querySelector("script[type=module]").src));
    const mismatches = [];
    const kinds = new Set();
    let start = 0;
    for (;;) {
      const page = await (await fetch(`/api/v1/records?start=${start}&limit=1000`)).json();
      for (const r of page.records) {
        const { kind, body, refs } = r.record.envelope;
        kinds.add(kind);
        const ui = [...new Set(references(kind, body))].sort();
        const core = [...new Set(refs)].sort();
        if (JSON.stringify(ui) !== JSON.stringify(core)) mismatches.push({ index: r.index, kind, ui, core });
      }
      if (page.next == null) break;
      start = page.next;
    }
    return { mismatches, kinds: [...kinds].sort() };
  });
  assert.deepEqual(result.mismatches, []);
  // The scenario files most kinds; a check over two or three would prove little.
  assert.ok(result.kinds.length >= 20, `kinds in the log: ${result.kinds.join(", ")}`);
  await context.close();
});
