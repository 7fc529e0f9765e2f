import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Rng } from "../src/core/rng.js";
import { ofaPayload, type OfaPayload } from "../src/dashboard/ofa-payload.js";
import { renderReport } from "../src/dashboard/report.js";
import { startDashboard } from "../src/dashboard/server.js";
import { nb201Space } from "../src/space/builtin/nb201.js";
import { Study } from "../src/study/study.js";
import { syntheticSplits } from "../src/nn/data/dataset.js";
import { loadEngine } from "../src/nn/engine/index.js";
import { macsOf } from "../src/ofa/efficiency.js";
import { Resized } from "../src/ofa/evaluate.js";
import { saveFront } from "../src/ofa/front-file.js";
import { fullConfig, type OfaConfig, type OfaShape } from "../src/ofa/network.js";
import { frontRecord, nsga2Front } from "../src/ofa/nsga2-search.js";
import { progressiveShrinking } from "../src/ofa/phases.js";
import { OfaRunner } from "../src/ofa/runner.js";
import { parseBudget } from "../src/ofa/specialise.js";
import { progressiveShrink } from "../src/ofa/train.js";
import type { OfaState } from "../src/ofa/state.js";
import { MemoryStorage } from "../src/storage/memory.js";
import { tempDir } from "./support.js";

const SHAPE: OfaShape = { input: [8, 8, 1], classes: 3, width: 0.75, head: 8 };
const SMALLEST: OfaConfig = { resolution: 0.75, stages: [0, 1, 2, 3].map(() => ({ kernel: 3, expand: 3, depth: 2 })) };
const [IMAGES, BATCH] = [64, 16];

/** A tiny real progressive-shrinking run stopped after `checkpoints` checkpoints (a run in progress), in its directory. */
async function tinyRun(checkpoints: number): Promise<{ dir: string; last: OfaState }> {
  const splits = syntheticSplits({ train: IMAGES, validation: 16, test: 16, shape: [8, 8, 1], classes: 3, rng: Rng.derive("ofa dashboard data") });
  const train = new Resized(splits.train);
  const dir = tempDir();
  let last: OfaState | null = null;
  class Stop extends Error {}
  const run = progressiveShrink(new OfaRunner(await loadEngine(), SHAPE), train, { calibration: train, calibrationImages: 32, evaluation: new Resized(splits.validation), batch: BATCH }, {
    phases: progressiveShrinking({ full: 0.5, kernel: 0.5, short: 0.5, long: 0.25 }),
    batch: BATCH,
    seed: 5,
    kdRatio: 1,
    weightDecay: 3e-5,
    checkpointEvery: 1,
    probes: [fullConfig(), SMALLEST],
    dir,
    meta: { shape: SHAPE, dataset: "synthetic", trainImages: IMAGES, batch: BATCH },
    onCheckpoint: (state) => {
      last = state;
      if (--checkpoints === 0) throw new Stop();
    },
  });
  await assert.rejects(run, Stop);
  return { dir, last: last! };
}

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
    const truth = (c: OfaConfig) => 0.5 + 0.1 * c.resolution + c.stages.reduce((a, s) => a + 0.01 * s.depth + 0.005 * s.expand, 0);
    const mmacs = (c: OfaConfig) => macsOf(SHAPE, c) / 1e6;
    const search = { population: 12, generations: 3, crossover: 0.9 };
    const budget = parseBudget(`flops<=${mmacs({ resolution: 1, stages: [0, 1, 2, 3].map(() => ({ kernel: 5, expand: 4, depth: 3 })) }).toFixed(4)}`);
    const found = await nsga2Front(truth, mmacs, budget.limit, 1, search);
    saveFront(dir, frontRecord(budget, found, { ...search, seed: 1 }, found.front.map((m) => ({ config: m.key, predictedAccuracy: m.accuracy, predictedCost: m.cost }))));
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
