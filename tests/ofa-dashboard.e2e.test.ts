/**
 * End-to-end: a tiny real supernet directory with a saved NSGA-II front, served by the dashboard and read by
 * Debian's Chromium (playwright-core) as a person would: the supernet is listed, its page draws the phases'
 * curves and the front, and the front's table has a row per member.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import type { FastifyInstance } from "fastify";
import { chromium, type Browser, type Page } from "playwright-core";
import { startDashboard } from "../src/dashboard/server.js";
import type { FrontSearch } from "../src/ofa/nsga2-search.js";
import { MemoryStorage } from "../src/storage/memory.js";
import { savedFront, tinyRun } from "./ofa-fixture.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const browserMissing = !existsSync(CHROMIUM);
if (browserMissing && process.env.CI) throw new Error(`CI needs Chromium at ${CHROMIUM} (apt-get install chromium)`);

describe("the dashboard's once-for-all page in a real browser", { skip: browserMissing ? `no Chromium at ${CHROMIUM}` : false }, () => {
  let server: FastifyInstance;
  let url = "";
  let browser: Browser;
  let page: Page;
  let found: FrontSearch;
  const errors: string[] = [];

  before(async () => {
    const { dir } = await tinyRun(5);
    ({ found } = await savedFront(dir));
    ({ server, url } = await startDashboard({ storage: new MemoryStorage(), port: 0, ofa: [dir] }));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
    page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
    page.on("pageerror", (error) => errors.push(error.message));
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it("lists the supernet, and its page draws the phases' curves and the front with a row per member", async () => {
    await page.goto(`${url}/#/`);
    const list = page.getByTestId("ofa-supernets");
    await list.waitFor();
    assert.equal(await list.locator("tbody tr").count(), 1);
    await list.locator("a").first().click();
    await page.getByTestId("ofa-front-chart").waitFor();
    assert.equal(await page.getByTestId("ofa-phase-count").textContent(), "2 phases done");
    for (const chart of ["ofa-loss-chart", "ofa-accuracy-chart", "ofa-front-chart"]) assert.equal(await page.getByTestId(chart).locator("canvas").count(), 1, chart);
    assert.equal(await page.getByTestId("ofa-front-table").locator("tbody tr").count(), found.front.length);
    assert.deepEqual(errors, []);
  });
});
