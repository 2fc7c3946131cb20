// Hostile text, as any member could sign it: markup with an event handler, a
// script that closes an attribute, a right-to-left override (U+202E), a
// 10,000-letter word and a javascript: URL — signed in the browser and
// admitted by the real server in every kind of record the views show. Every
// view must show it as text: no element made from it, no script run, no
// dialog, each piece in its own direction (dir="auto"), and no page pushed
// wider than the screen. And no view writes markup but through `html`.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { launch, user, open, shot, signIn, assertClean } from "../support.mjs";

const TAG = `hostile${Date.now()}`;
const IMG = `<img src=x onerror="window.hostile='img';alert('img')">`;
const SCRIPT = `"><script>window.hostile='script'</script><b class="x`;
const RTL = "\u202Etxt.exe\u202C";
const URL_TEXT = "javascript:window.hostile='url'";
const WORD = "W".repeat(10000);
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

/** Signs `body` as a `kind` record by the member signed in on `page`, with the application's own code. */
async function sign(page, kind, body) {
  return page.evaluate(
    async ([kind, body]) => {
      const { submit } = await import(new URL("records.js", document.querySelector("script[type=module]").src));
      const charter = await fetch("/api/v1/records/0").then((r) => r.json());
      return submit(kind, body, charter.record.envelope.body.origin);
    },
    [kind, body],
  );
}

async function attach(page, png, details) {
  return page.evaluate(
    async ([bytes, details]) => {
      const { uploadEvidence } = await import(new URL("records.js", document.querySelector("script[type=module]").src));
      const charter = await fetch("/api/v1/records/0").then((r) => r.json());
      const file = new File([new Uint8Array(bytes)], details.filename, { type: details.type ?? "image/png" });
      delete details.type;
      return uploadEvidence(file, details, charter.record.envelope.body.origin);
    },
    [[...png], details],
  );
}

/** What a rendered page made of the hostile text. */
function inspect(page) {
  return page.evaluate(() => {
    const hostile = /onerror|<script>|\u202E|WWWWWWWWWW|javascript:/;
    const nodes = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) if (hostile.test(walker.currentNode.data)) nodes.push(walker.currentNode);
    const where = (n) => `${n.parentElement.tagName.toLowerCase()}.${n.parentElement.className} "${n.data.slice(0, 40)}"`;
    return {
      flag: window.hostile ?? null,
      made: [...document.querySelectorAll("img[src='x'], main script, b.x, [onerror]")].map((e) => e.outerHTML.slice(0, 80)),
      scriptLinks: [...document.querySelectorAll("a[href], [src]")].map((e) => e.getAttribute("href") ?? e.getAttribute("src")).filter((u) => /^\s*javascript:/i.test(u)),
      text: nodes.map((n) => n.data).join("\n"),
      // The nearest element that sets a direction is the text's own, dir="auto".
      undirected: nodes.filter((n) => n.parentElement.closest("[dir]")?.getAttribute("dir") !== "auto").map(where),
      overflow: document.documentElement.scrollWidth - window.innerWidth,
    };
  });
}

async function assertInert(page, hash, ready, shown, name) {
  await open(page, hash);
  if (ready) await page.waitForSelector(ready);
  const seen = await inspect(page);
  assert.equal(seen.flag, null, `${hash}: a hostile script ran`);
  assert.deepEqual(seen.made, [], `${hash}: elements made from text`);
  assert.deepEqual(seen.scriptLinks, [], `${hash}: javascript: links`);
  for (const text of shown) assert.ok(seen.text.includes(text), `${hash} shows ${JSON.stringify(text.slice(0, 40))} as text`);
  assert.deepEqual(seen.undirected, [], `${hash}: text people wrote without dir="auto"`);
  assert.ok(seen.overflow <= 0, `${hash} overflows the screen by ${seen.overflow}px`);
  await shot(page, `hostile-${name}`);
}

test("hostile text in every record is shown as text, in its own direction, within the page", async () => {
  const people = await Promise.all([1, 2, 3, 4].map(() => user(browser, { viewport: { width: 1024, height: 900 } })));
  const [afghan, pakistani, qatari, head] = people;
  for (const u of people) {
    u.page.on("dialog", (dialog) => {
      u.problems.push(`dialog: ${dialog.message()}`);
      dialog.dismiss();
    });
  }

  await signIn(afghan.page, "afghanistan.liaison");
  const at = new Date(Date.now() - 3600_000).toISOString().replace(/:\d\d\.\d{3}Z$/, ":00Z");
  const zero = { low: 0, best: 0, high: 0 };
  const report = await sign(afghan.page, "incident.report", {
    title: `${TAG} ${IMG} ${RTL}`,
    incident_type: "other",
    time: { at, precision: "hour" },
    places: [{ point: { lat_e6: 34_101_000, lon_e6: 71_097_000 }, precision: "locality", country: "Pakistan", admin1: `${TAG} ${IMG}`, location: SCRIPT }],
    casualties: { killed: { military: zero, civilian: zero }, injured: { military: zero, civilian: zero } },
    narrative: `${SCRIPT}\n${WORD}\n${URL_TEXT}\n${RTL}`,
    actor: IMG,
    accused: "pakistan",
    evidence: [],
  });
  // One left unanswered, so that the dashboard lists it with its deadline.
  await sign(afghan.page, "incident.report", {
    title: `${TAG} ${SCRIPT} ${RTL}`,
    incident_type: "other",
    time: { at, precision: "hour" },
    places: [{ point: { lat_e6: 34_101_000, lon_e6: 71_097_000 }, precision: "locality", location: IMG }],
    casualties: { killed: { military: zero, civilian: zero }, injured: { military: zero, civilian: zero } },
    narrative: WORD,
    accused: "pakistan",
    evidence: [],
  });
  await attach(afghan.page, PNG, { filename: `${RTL}.png`, description: `${IMG} ${URL_TEXT}`, confidentiality: "public", incident: report.leaf_hash });

  await signIn(pakistani.page, "pakistan.liaison");
  await sign(pakistani.page, "incident.response", { incident: report.leaf_hash, stance: "deny", narrative: `${SCRIPT} ${WORD}`, counter_claims: [IMG, RTL] });
  await sign(pakistani.page, "channel.message", { to: ["afghanistan"], subject: `${TAG} ${IMG}`, text: `${SCRIPT}\n${WORD} ${RTL}\n${URL_TEXT}`, urgent: false });

  await signIn(qatari.page, "qatar.mediator");
  await sign(qatari.page, "incident.investigation", { incident: report.leaf_hash, step: "opened", details: `${IMG} ${URL_TEXT}` });
  const draft = await sign(qatari.page, "draft.propose", {
    title: `${TAG} ${IMG}`,
    clauses: [
      { id: "h-1", heading: SCRIPT, text: `${IMG} ${WORD}` },
      { id: "h-2", text: `${RTL} ${URL_TEXT}` },
    ],
  });

  await signIn(head.page, "pakistan.head-r3");
  await sign(head.page, "commitment.declare", { title: `${TAG} ${IMG} ${RTL}`, text: SCRIPT, incident_types: ["other"], effective: at });

  // An observer's eyes, and a party's: the signed-in views have forms too.
  const page = pakistani.page;
  await assertInert(page, "#/", "[data-verified=true]", [`${TAG} ${SCRIPT} ${RTL}`], "dashboard");
  await assertInert(page, `#/map?q=${TAG}`, "#incident-list li a", [`${TAG} ${IMG} ${RTL}`], "map");
  await assertInert(page, `#/incidents/${report.index}`, "#proof-badge[data-state=verified]", [IMG, SCRIPT, WORD, RTL, URL_TEXT, `${IMG} ${URL_TEXT}`], "case");
  await assertInert(afghan.page, `#/incidents/${report.index}`, "#proof-badge[data-state=verified]", [IMG, SCRIPT, WORD], "case-reporter");
  await assertInert(page, "#/channel", ".thread", [`${TAG} ${IMG}`, WORD], "channel");
  await assertInert(page, `#/agreement?draft=${draft.index}`, "#progress-chart", [`${TAG} ${IMG}`, SCRIPT, `${IMG} ${WORD}`, URL_TEXT], "agreement");
  await assertInert(page, "#/commitments", ".commitment", [`${TAG} ${IMG} ${RTL}`], "commitments");
  await assertInert(page, "#/statistics", "#chart-area", [`${TAG} ${IMG}`], "statistics");

  for (const u of people) {
    assertClean(u.problems);
    await u.context.close();
  }
});

test("restricted evidence that calls itself a web page opens as bytes to save, never as a page", async () => {
  const [afghan, pakistani] = await Promise.all([user(browser), user(browser)]);
  await signIn(afghan.page, "afghanistan.liaison");
  const report = await sign(afghan.page, "incident.report", {
    title: `${TAG} evidence`,
    incident_type: "other",
    time: { at: new Date(Date.now() - 3600_000).toISOString().replace(/:\d\d\.\d{3}Z$/, ":00Z"), precision: "hour" },
    places: [{ point: { lat_e6: 34_101_000, lon_e6: 71_097_000 }, precision: "locality" }],
    narrative: "A file that says it is a web page.",
    accused: "pakistan",
    evidence: [],
  });
  const page = Buffer.from(`<!doctype html><script>opener && (opener.hostile = "evidence")</script><p>${IMG}</p>`);
  await attach(afghan.page, page, { filename: "statement.html", type: "text/html", description: "A statement", confidentiality: "participants", incident: report.leaf_hash });

  await signIn(pakistani.page, "pakistan.liaison");
  await open(pakistani.page, `#/incidents/${report.index}`);
  const viewer = '.restricted-viewer[data-media-type="text/html"]';
  // Which type each object URL the page makes is given (a blob: URL cannot
  // be fetched back under the Content-Security-Policy).
  await pakistani.page.evaluate(() => {
    const make = URL.createObjectURL;
    window.blobTypes = {};
    URL.createObjectURL = (blob) => {
      const url = make.call(URL, blob);
      window.blobTypes[url] = blob.type;
      return url;
    };
  });
  await pakistani.page.click(`${viewer} button`);
  await pakistani.page.waitForSelector(`${viewer} a[download]`);
  const opened = await pakistani.page.$eval(viewer, (box) => {
    const link = box.querySelector("a[download]");
    return { images: box.querySelectorAll("img").length, name: link.getAttribute("download"), type: window.blobTypes[link.href], made: Object.values(window.blobTypes) };
  });
  assert.deepEqual(opened, { images: 0, name: "statement.html", type: "application/octet-stream", made: ["application/octet-stream"] });
  for (const u of [afghan, pakistani]) {
    assertClean(u.problems);
    await u.context.close();
  }
});

test("html escapes by construction and render takes nothing else", async () => {
  const { page, problems, context } = await user(browser);
  await open(page, "#/");
  const seen = await page.evaluate(async () => {
    const { html, fill, markup } = await import(new URL("html.js", document.querySelector("script[type=module]").src));
    const { t } = await import(new URL("i18n.js", document.querySelector("script[type=module]").src));
    const refused = (f) => {
      try {
        f();
        return false;
      } catch {
        return true;
      }
    };
    const box = document.createElement("div");
    fill(box, html`<p title="${'"><b>'}">${"<i>x</i>"}${[html`<u>${"&"}</u>`, "<s>"]}</p>`);
    const p = box.querySelector("p");
    return {
      rendered: { title: p.title, text: p.textContent, elements: [...box.querySelectorAll("*")].map((e) => e.tagName.toLowerCase()) },
      link: markup(html`<a href="${"  JavaScript:alert(1)"}">x</a><a href="${"#/map"}">y</a>`),
      plainString: refused(() => fill(box, "<b>a string</b>")),
      unquoted: refused(() => html`<p class=${"x onclick=alert(1)"}></p>`),
      handler: refused(() => html`<p onclick="${"alert(1)"}"></p>`),
      attributeName: refused(() => html`<p ${"onclick=alert(1)"}></p>`),
      joined: refused(() => `${html`<b></b>`}`),
      fragmentInT: refused(() => t("map.reported_by", { party: html`<b></b>` })),
    };
  });
  assert.deepEqual(seen.rendered, { title: '"><b>', text: "<i>x</i>&<s>", elements: ["p", "u"] });
  assert.equal(seen.link, '<a href="about:invalid">x</a><a href="#/map">y</a>');
  assert.deepEqual(
    Object.entries(seen).filter(([k, v]) => !["rendered", "link"].includes(k) && v !== true),
    [],
    "every misuse is refused",
  );
  assertClean(problems);
  await context.close();
});

test("no module writes markup but html.js", () => {
  const app = fileURLToPath(new URL("../../static/app/", import.meta.url));
  const sources = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith(".js") ? [join(dir, e.name)] : []));
  const sinks = /\.(?:innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write|createContextualFragment/;
  const offenders = sources(app).filter((f) => !f.endsWith("/html.js") && sinks.test(readFileSync(f, "utf8")));
  assert.ok(sources(app).length > 10);
  assert.deepEqual(offenders, []);
});
