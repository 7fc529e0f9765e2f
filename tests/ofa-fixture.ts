import assert from "node:assert/strict";
import { Rng } from "../src/core/rng.js";
import { syntheticSplits } from "../src/nn/data/dataset.js";
import { loadEngine } from "../src/nn/engine/index.js";
import { macsOf } from "../src/ofa/efficiency.js";
import { Resized } from "../src/ofa/evaluate.js";
import { saveFront } from "../src/ofa/front-file.js";
import { fullConfig, type OfaConfig, type OfaShape } from "../src/ofa/network.js";
import { frontRecord, nsga2Front, type FrontSearch } from "../src/ofa/nsga2-search.js";
import { progressiveShrinking } from "../src/ofa/phases.js";
import { OfaRunner } from "../src/ofa/runner.js";
import { parseBudget, type Budget } from "../src/ofa/specialise.js";
import { progressiveShrink } from "../src/ofa/train.js";
import type { OfaState } from "../src/ofa/state.js";
import { tempDir } from "./support.js";

/** Fixtures for the dashboard's once-for-all tests: a tiny real supernet directory and a front saved in it. */
export const SHAPE: OfaShape = { input: [8, 8, 1], classes: 10, width: 0.75, head: 8 };
const SMALLEST: OfaConfig = { resolution: 0.75, stages: [0, 1, 2, 3].map(() => ({ kernel: 3, expand: 3, depth: 2 })) };
export const [IMAGES, BATCH] = [64, 16];

/**
 * A tiny real progressive-shrinking run (8x8 synthetic images, two steps per phase) in its directory, stopped
 * after `checkpoints` checkpoints (a run in progress), or finished when `checkpoints` is Infinity.
 */
export async function tinyRun(checkpoints: number): Promise<{ dir: string; last: OfaState }> {
  const splits = syntheticSplits({ train: IMAGES, validation: 16, test: 16, shape: [8, 8, 1], classes: 10, rng: Rng.derive("ofa dashboard data") });
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
  if (checkpoints === Infinity) await run;
  else await assert.rejects(run, Stop);
  return { dir, last: last! };
}

/** NSGA-II on a made-up accuracy under a FLOPs budget that cuts through the space, saved in `dir`/fronts. */
export async function savedFront(dir: string): Promise<{ budget: Budget; found: FrontSearch }> {
  const truth = (c: OfaConfig) => 0.5 + 0.1 * c.resolution + c.stages.reduce((a, s) => a + 0.01 * s.depth + 0.005 * s.expand, 0);
  const mmacs = (c: OfaConfig) => macsOf(SHAPE, c) / 1e6;
  const search = { population: 12, generations: 3, crossover: 0.9 };
  const budget = parseBudget(`flops<=${mmacs({ resolution: 1, stages: [0, 1, 2, 3].map(() => ({ kernel: 5, expand: 4, depth: 3 })) }).toFixed(4)}`);
  const found = await nsga2Front(truth, mmacs, budget.limit, 1, search);
  saveFront(dir, frontRecord(budget, found, { ...search, seed: 1 }, found.front.map((m) => ({ config: m.key, predictedAccuracy: m.accuracy, predictedCost: m.cost }))));
  return { budget, found };
}
