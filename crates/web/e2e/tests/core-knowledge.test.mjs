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

test("a file's digest is the same hashed whole or streamed a chunk at a time", async () => {
  const { page, context } = await user(browser);
  await open(page, "#/");
  const digests = await page.evaluate(async () => {
    const { fileDigest } = await import(new URL("records.js", document.querySelector("script[type=module]").src));
    const abc = new Blob([new TextEncoder().encode("abc")]);
    // Several stream chunks' worth of varied bytes.
    const bytes = new Uint8Array(3 * 1024 * 1024 + 7);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 2654435761) >>> 24;
    const big = new Blob([bytes]);
    return {
      abcWhole: await fileDigest(abc),
      abcStreamed: await fileDigest(abc, { wholeUpTo: 0 }),
      bigWhole: await fileDigest(big),
      bigStreamed: await fileDigest(big, { wholeUpTo: 0 }),
    };
  });
  // FIPS 180-2's example: SHA-256("abc").
  const abc = "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  assert.equal(digests.abcWhole, abc);
  assert.equal(digests.abcStreamed, abc);
  assert.equal(digests.bigStreamed, digests.bigWhole);
  await context.close();
});

test("the UI's fixed vocabularies are core's enums, as the API document spells them", async () => {
  const { page, context } = await user(browser);
  await open(page, "#/");
  const { ui, document: doc } = await page.evaluate(async () => {
    const { CORE_ENUMS } = await import(new URL("vocabulary.js", document.querySelector("script[type=module]").src));
    const schemas = (await (await fetch("/api/v1/openapi.json")).json()).components.schemas;
    return {
      ui: CORE_ENUMS,
      document: Object.fromEntries(Object.keys(CORE_ENUMS).map((name) => [name, schemas[name]?.enum ?? null])),
    };
  });
  assert.deepEqual(ui, doc);
  await context.close();
});
