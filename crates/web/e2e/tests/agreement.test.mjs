// A draft from positions to signatures: the two parties' signatories, each
// in their own browser, accept every clause of the latest version (on which
// Afghanistan had reserved three) and sign it — Pakistan had signed it
// already in the scenario; a mediator countersigns as guarantor. The agreement is then in force,
// and the chart, matrix and diff say so.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, user, open, shot, signIn, assertClean } from "../support.mjs";

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

async function acceptAllAndSign(page) {
  await page.waitForSelector("form[data-action=positions]");
  for (const select of await page.$$("form[data-action=positions] select")) await select.selectOption("accept");
  await page.click("form[data-action=positions] button");
  await page.waitForSelector(".notice.success[role=status]");
  await page.evaluate(() => document.querySelectorAll(".notice.success[role=status]").forEach((n) => n.remove()));
  if (await page.$("form[data-action=sign]")) {
    await page.click("form[data-action=sign] button");
    await page.waitForSelector(".notice.success[role=status]");
  }
  // Signed now, or already (Pakistan signed this version in the scenario).
  assert.match(await page.textContent("#agreement-actions"), /Your side has signed this version/);
}

test("the parties accept and sign the latest version; it enters into force", async () => {
  const viewer = await user(browser);
  await open(viewer.page, "#/agreement");
  await viewer.page.waitForSelector("#progress-chart");
  assert.match(await viewer.page.textContent(".agreement-status"), /Not in force/);
  assert.ok((await viewer.page.$$(".late-badge")).length >= 1, "late-added clauses are marked");
  assert.ok((await viewer.page.$$(".diff li")).length >= 1, "the latest version's changes are listed");
  await shot(viewer.page, "agreement-before");

  const signatories = { pakistan: "pakistan.head-r3", afghanistan: "afghanistan.head-r3" };
  const parties = await Promise.all(Object.values(signatories).map(() => user(browser)));
  for (const [i, member] of Object.values(signatories).entries()) {
    await signIn(parties[i].page, member);
    await open(parties[i].page, "#/agreement");
    await acceptAllAndSign(parties[i].page);
    await shot(parties[i].page, `agreement-signed-by-${member}`);
  }
  const mediator = await user(browser);
  await signIn(mediator.page, "qatar.mediator");
  await open(mediator.page, "#/agreement");
  await mediator.page.click("form[data-action=countersign] button");
  await mediator.page.waitForSelector(".notice.success[role=status]");

  await open(viewer.page, "#/agreement");
  await viewer.page.waitForSelector("#progress-chart");
  assert.match(await viewer.page.textContent(".agreement-status"), /In force/);
  const cells = await viewer.page.$$eval(".matrix td", (tds) => tds.map((td) => td.className));
  assert.ok(cells.length > 0 && cells.every((c) => c.includes("cell-accept")), cells.join(" "));
  const signatures = await viewer.page.$$eval("#signatures li", (lis) => lis.map((li) => li.textContent));
  assert.equal(signatures.length, 3, signatures.join("; "));
  assert.ok(signatures.some((s) => /guarantor/.test(s)));
  await shot(viewer.page, "agreement-in-force");
  for (const u of [viewer, ...parties, mediator]) {
    assertClean(u.problems);
    await u.context.close();
  }
});
