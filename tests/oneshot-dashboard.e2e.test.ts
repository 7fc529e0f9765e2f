/**
 * End-to-end: tiny real one-shot searches written to a study as `nascent oneshot` writes them, served by the
 * dashboard and read by Debian's Chromium (playwright-core): alpha's heat map and the derived cell render,
 * the epoch slider moves both, a new epoch appears without a reload, and the offline report draws the same.
 */
import assert from "node:assert/strict";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { FastifyInstance } from "fastify";
import { chromium, type Browser, type Locator, type Page } from "playwright-core";
import { renderReport } from "../src/dashboard/report.js";
import { startDashboard } from "../src/dashboard/server.js";
import { recordEpochs } from "../src/oneshot/record.js";
import { MemoryStorage } from "../src/storage/memory.js";
import { tinySearch, type TinySearch } from "./oneshot-dashboard-fixture.js";
import { tempDir } from "./support.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const browserMissing = !existsSync(CHROMIUM);
if (browserMissing && process.env.CI) throw new Error(`CI needs Chromium at ${CHROMIUM} (apt-get install chromium)`);

/** Polls until the locator's text is `text` (the page's CSP forbids waitForFunction's eval). */
async function waitForText(locator: Locator, text: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await locator.textContent().catch(() => null)) !== text) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for '${text}', last saw '${await locator.textContent().catch(() => null)}'`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("the dashboard's one-shot view in a real browser", { skip: browserMissing ? `no Chromium at ${CHROMIUM}` : false }, () => {
  const storage = new MemoryStorage();
  let server: FastifyInstance;
  let url = "";
  let browser: Browser;
  let page: Page;
  let darts: TinySearch;
  const errors: string[] = [];

  before(async () => {
    darts = await tinySearch(storage, "darts nb201", "darts", "nb201", 3, 2); // the third epoch lands while the page is open
    await tinySearch(storage, "pc-darts nb301", "pc-darts", "nb301", 2);
    await tinySearch(storage, "spos nb201", "spos", "nb201", 1);
    ({ server, url } = await startDashboard({ storage, port: 0 }));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on("pageerror", (error) => errors.push(error.message));
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it("draws softmax(alpha) of the newest epoch and the cell derived then, and follows a new epoch without a reload", async () => {
    await page.goto(`${url}/#/study/${encodeURIComponent("darts nb201")}`);
    await page.getByTestId("alpha-heatmap").waitFor();
    assert.equal(await page.getByTestId("oneshot-epoch-count").textContent(), "2");
    assert.equal(await page.getByTestId("alpha-heatmap").locator("canvas").count(), 1);
    assert.equal(await page.getByTestId("cell-graph").locator("g.edge").count(), 6, "NB201's 4-node cell: 6 labelled edges");
    assert.equal(await page.getByTestId("oneshot-genotype").textContent(), darts.history[1].genotype);
    for (const chart of ["oneshot-curves", "oneshot-schedule", "alpha-trajectory"]) assert.equal(await page.getByTestId(chart).locator("canvas").count(), 1, chart);

    await recordEpochs(storage, darts.study, darts.history);
    await waitForText(page.getByTestId("oneshot-epoch-count"), "3", 8000);
    await waitForText(page.getByTestId("oneshot-genotype"), darts.history[2].genotype!, 2000);
    assert.match((await page.getByTestId("oneshot-epoch").textContent())!, /^epoch 3 of 3 \(following the newest\)/);
  });

  it("moves the heat map and the derived cell to the epoch the slider picks", async () => {
    await page.getByTestId("epoch-slider").fill("0");
    await waitForText(page.getByTestId("oneshot-epoch"), "epoch 1 of 3", 2000);
    assert.equal(await page.getByTestId("oneshot-genotype").textContent(), darts.history[0].genotype);
    await page.getByTestId("epoch-slider").fill("2");
    await waitForText(page.getByTestId("oneshot-epoch"), "epoch 3 of 3 (following the newest)", 2000);
    assert.deepEqual(errors, []);
  });

  it("draws NB301's normal and reduction cells: alpha and PC-DARTS's beta heat maps and both DARTS cells", async () => {
    await page.goto(`${url}/#/study/${encodeURIComponent("pc-darts nb301")}`);
    await page.getByTestId("beta-heatmap").nth(1).waitFor();
    assert.equal(await page.getByTestId("alpha-heatmap").count(), 2);
    assert.equal(await page.getByTestId("beta-heatmap").count(), 2);
    const cells = page.getByTestId("cell-graph");
    assert.equal(await cells.count(), 2);
    for (const i of [0, 1]) assert.equal(await cells.nth(i).locator("g.edge").count(), 8, "4 nodes x 2 inputs");
    assert.equal(await page.getByTestId("alpha-trajectory").count(), 2);
    assert.deepEqual(errors, []);
  });

  it("says SPOS has no alpha and still draws its curves", async () => {
    await page.goto(`${url}/#/study/${encodeURIComponent("spos nb201")}`);
    await page.getByTestId("oneshot-curves").waitFor();
    assert.match((await page.getByTestId("oneshot").textContent())!, /no α to show/);
    assert.equal(await page.getByTestId("alpha-heatmap").count(), 0);
    assert.deepEqual(errors, []);
  });

  it("draws the heat map and the cell in the offline report", async () => {
    const file = join(tempDir(), "report.html");
    writeFileSync(file, await renderReport(storage, "darts nb201"));
    const offline = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await offline.goto(`file://${file}`);
    await offline.getByTestId("alpha-heatmap").waitFor();
    assert.equal(await offline.getByTestId("oneshot-epoch-count").textContent(), "3");
    assert.equal(await offline.getByTestId("cell-graph").locator("g.edge").count(), 6);
    await offline.close();
  });
});
