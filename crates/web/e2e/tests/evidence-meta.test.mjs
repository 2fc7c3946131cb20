// A photograph's own metadata on its case page: a liaison files a report at
// the Torkham crossing with a photo whose EXIF places it in Quetta; the
// page shows the server's thumbnail, what the file says (device, time,
// position) beside what the report states, and flags the distance —
// neutrally, as the file's word against the report's. The photo is
// crates/evidence-meta/testdata/far.jpg (see the README there).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { launch, user, open, shot, signIn, assertClean } from "../support.mjs";

const FAR = readFileSync(new URL("../../../evidence-meta/testdata/far.jpg", import.meta.url));

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

/** Afghanistan's liaison files a public report at Torkham with one photo; the case page opens. */
async function fileWithPhoto(page, { title, narrative, file, description }) {
  await signIn(page, "afghanistan.liaison");
  await open(page, "#/report");
  await page.waitForSelector("#report-form");
  await page.fill("#r-title", title);
  await page.selectOption("#r-type", "armed_clash");
  await page.selectOption("#r-accused", "pakistan");
  await page.fill("#r-narrative", narrative);
  await page.fill("#r-place", "Torkham, Khyber Pakhtunkhwa, Pakistan");
  await page.press("#r-place", "Tab");
  await page.fill("#r-killed-military", "0");
  await page.setInputFiles("#r-files", file);
  await page.selectOption("#r-confidentiality", "public");
  await page.fill("#r-evidence-description", description);
  await page.click("#report-submit");
  await page.waitForSelector(".case-page");
}

test("a photo's EXIF is shown beside the report, and its distance from the reported place flagged", async () => {
  const { page, problems } = await user(browser);
  await fileWithPhoto(page, {
    title: "Shots fired at the Torkham crossing (metadata test)",
    narrative: "Shots were fired across the crossing; a photograph is attached.",
    file: { name: "crossing.jpg", mimeType: "image/jpeg", buffer: FAR },
    description: "Photograph of the crossing",
  });

  // The server's thumbnail, not the file, and it has loaded.
  const thumbnail = page.locator(".record-evidence-submit img.evidence-image");
  assert.match(await thumbnail.getAttribute("src"), /\/api\/v1\/evidence\/sha256%3A[0-9a-f]{64}\/thumbnail$/);
  await page.waitForFunction(() => document.querySelector(".record-evidence-submit img.evidence-image")?.naturalWidth > 0);

  const panel = page.locator(".evidence-meta-panel");
  await panel.waitFor();
  const text = await panel.textContent();
  assert.match(text, /What the file says about itself/);
  assert.match(text, /Google Pixel 7/);
  assert.match(text, /2025-10-26 06:10:00 \+04:30/);
  assert.match(text, /30\.1798, 66\.9750/);
  assert.match(text, /embeds no C2PA content credentials/);
  // Quetta is some 580 km from Torkham: flagged, in the file's words and the report's.
  const far = page.locator('.meta-check.meta-disagrees[data-about="incident_place"]');
  // Values are isolated (FSI … PDI) in the sentence; the words are read without them.
  const flag = (await far.textContent()).replace(/[\u2066\u2068\u2069]/g, "");
  assert.match(flag, /Disagrees/);
  assert.match(flag, /The file's EXIF says it was taken at 30\.1798, 66\.9750; the incident report states 34\.\d{4}, 71\.\d{4}, 58\d(\.\d)? km away\./);
  assert.match(await page.textContent(".meta-summary"), /disagreements? between the file and what is stated/);
  await far.scrollIntoViewIfNeeded();
  await shot(page, "evidence-metadata");
  assertClean(problems);

  // In Arabic, the same panel in the catalog's words.
  await page.evaluate(() => localStorage.setItem("truce.language", "ar"));
  const url = page.url().split("/#")[1];
  await open(page, `#${url}`);
  await page.locator(".evidence-meta-panel").waitFor();
  const arabic = await page.textContent(".evidence-meta-panel");
  assert.match(arabic, /ما يقوله الملف عن نفسه/);
  assert.match(await page.textContent('.meta-check[data-about="incident_place"]'), /مختلف/);
  await shot(page, "evidence-metadata-ar");
  assertClean(problems);
});

// The c2pa crate's own test fixture (crates/evidence-meta/testdata/c2pa.jpg):
// its content credentials' claims are shown as the file's own, the signer
// said not to be checked against a trust list, and the signature valid.
const C2PA = readFileSync(new URL("../../../evidence-meta/testdata/c2pa.jpg", import.meta.url));

test("a photo's content credentials are shown as its own claims, with whether they validate", async () => {
  const { page, problems } = await user(browser);
  await fileWithPhoto(page, {
    title: "Damage at the Torkham crossing (content credentials test)",
    narrative: "A photograph with content credentials is attached.",
    file: { name: "credentials.jpg", mimeType: "image/jpeg", buffer: C2PA },
    description: "Photograph with content credentials",
  });

  const credentials = page.locator('.meta-credentials[data-validation="valid"]');
  await credentials.waitFor();
  const text = (await credentials.textContent()).replace(/[\u2066\u2068\u2069]/g, "").replace(/\s+/g, " ");
  assert.match(text, /The file's content credentials say \(their own claims\):/);
  assert.match(text, /made with Adobe_Content_Authenticity/);
  assert.match(text, /signed by Adobe C2PA Stage, Adobe Inc\. \(not checked against a trust list\)/);
  assert.match(text, /c2pa\.watermarked/);
  assert.match(text, /Signature valid/);
  assert.match(text, /cawg\.ica\.did_unavailable/);
  await credentials.scrollIntoViewIfNeeded();
  await shot(page, "evidence-content-credentials");
  assertClean(problems);
});
