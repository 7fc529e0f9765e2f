import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Rng } from "../src/core/rng.js";
import { ofaPayload, type OfaPayload } from "../src/dashboard/ofa-payload.js";
import { renderReport } from "../src/dashboard/report.js";
import { startDashboard } from "../src/dashboard/server.js";
import { nb201Space } from "../src/space/builtin/nb201.js";
import { Study } from "../src/study/study.js";
import { progressiveShrinking } from "../src/ofa/phases.js";
import { MemoryStorage } from "../src/storage/memory.js";
import { BATCH, IMAGES, savedFront, tinyRun } from "./ofa-fixture.js";
import { tempDir } from "./support.js";

describe("the dashboard's once-for-all page: phases' curves and fronts", () => {
  it("places each phase's loss curve on one axis of passes over the data, the running phase last", async () => {
    // Two steps per phase, a checkpoint after each: the 5th is one step into depth-1, after full and kernel.
    const { dir, last } = await tinyRun(5);
    const payload = ofaPayload(dir);
    assert.equal(payload.unit, "epoch");
    assert.equal(payload.dataset, "synthetic");
    const done = payload.phases.filter((p) => p.done);
    assert.deepEqual(done.map((p) => p.phase), last.history.map((h) => h.phase));
    for (const [i, p] of done.entries()) {
      const h = last.history[i];
      assert.equal(p.length, (h.steps * BATCH) / IMAGES, `${p.phase} lasts its steps x batch / images passes`);
      assert.deepEqual(p.loss.map(([, loss]) => loss), h.lossCurve);
      assert.deepEqual(p.accuracy, h.accuracy);
      assert.ok(p.loss.every(([x]) => x > p.start && x < p.start + p.length), `${p.phase}'s points lie inside its span`);
      if (i > 0) assert.equal(p.start, done[i - 1].start + done[i - 1].length, "phases follow one another");
    }
    assert.ok(Object.keys(done[0].accuracy).length === 2, "both probe sub-networks are recorded");
    assert.deepEqual(done.map((p) => p.phase), ["full", "kernel"]);
    const running = payload.phases.at(-1)!;
    assert.deepEqual([running.phase, running.done, running.steps, running.start], ["depth-1", false, 1, 1]);
    assert.deepEqual(running.loss.map(([, loss]) => loss), last.running);
    assert.deepEqual(payload.fronts, []);
  });

  it("shows every front NSGA-II saved next to the supernet, and serves them at /api/ofa", async () => {
    const { dir } = await tinyRun(2);
    const { budget, found } = await savedFront(dir);
    const [front] = ofaPayload(dir).fronts;
    assert.equal(front.constraint, budget.text);
    assert.ok(front.evaluated.some((e) => !e.feasible) && front.evaluated.some((e) => e.feasible), "the budget cuts through the predicted points");
    assert.deepEqual(front.front.map((m) => m.config), found.front.map((m) => m.key));
    assert.equal(front.evaluated.filter((e) => !e.feasible).length, found.evaluated.filter((e) => !e.feasible).length);

    const storage = new MemoryStorage();
    assert.throws(() => ofaPayload(tempDir()), /no once-for-all supernet there/);
    const { server, url } = await startDashboard({ storage, port: 0, ofa: [dir] });
    try {
      const served = (await (await fetch(`${url}/api/ofa`)).json()) as OfaPayload[];
      assert.equal(served.length, 1);
      assert.deepEqual(served[0], JSON.parse(JSON.stringify(ofaPayload(dir))));
    } finally {
      await server.close();
    }
    await assert.rejects(startDashboard({ storage, port: 0, ofa: [tempDir()] }), /no once-for-all supernet there/);
    // The offline report embeds the same payload next to its study.
    const study = await Study.open({ storage, name: "a study", space: nb201Space, seed: 1 });
    await study.tell((await study.ask())!.number, 1);
    const html = await renderReport(storage, "a study", [dir]);
    const embedded = JSON.parse(/<script id="nascent-report" type="application\/json">(.*?)<\/script>/s.exec(html)![1]) as { ofa: OfaPayload[] };
    assert.deepEqual(embedded.ofa, JSON.parse(JSON.stringify([ofaPayload(dir)])));
  });
});
