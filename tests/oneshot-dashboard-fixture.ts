/**
 * Tiny real one-shot searches (synthetic 8x8 images, a few steps) whose epochs are written to a study by
 * the code `nascent oneshot` uses (openOneshotStudy, recordEpochs), for the dashboard's one-shot tests.
 */
import { Rng } from "../src/core/rng.js";
import { syntheticSplits } from "../src/nn/data/dataset.js";
import { loadEngine } from "../src/nn/engine/index.js";
import type { LatencyObjective } from "../src/oneshot/hardware-loss.js";
import type { OneshotSpace } from "../src/oneshot/layout.js";
import { openOneshotStudy, recordEpochs } from "../src/oneshot/record.js";
import { oneshotSearch, type OneshotMethod } from "../src/oneshot/search.js";
import type { EpochRecord } from "../src/oneshot/state.js";
import type { Storage, StoredStudy } from "../src/storage/storage.js";

// These graphs are tiny: more intra-op threads only fight over the cores (a 2-layer PC-DARTS run took 1.4 s
// on one thread and 105 s on two on a loaded 2-core machine). Each test file runs in its own process.
process.env.NASCENT_THREADS ??= "1";

const DATA = syntheticSplits({ train: 64, validation: 32, test: 0, shape: [8, 8, 2], classes: 3, rng: Rng.derive("oneshot dashboard data") });

/** A hand-made per-op latency table (ms) for ProxylessNAS: convs cost, the rest nearly nothing. */
const LATENCY: LatencyObjective = {
  table: { device: "test", clock: "wall", channels: 4, cellsPerStage: 1, input: [8, 8, 2], base: 1, ops: [0, 1, 2].map(() => [0.01, 0.01, 0.1, 0.3, 0.05]) },
  targetMs: 1.5,
  lambda: 0.1,
  a: 0.2,
  b: 0.6,
};

export interface TinySearch {
  study: StoredStudy;
  /** Every epoch the search made, in order (the study may hold fewer: see `recorded`). */
  history: EpochRecord[];
}

/**
 * Runs `method` on `space` for `epochs` epochs and writes its first `recorded` epochs (all by default) to
 * study `name` in `storage`; the rest can be written later with recordEpochs, as a running search would.
 */
export async function tinySearch(storage: Storage, name: string, method: OneshotMethod, space: OneshotSpace, epochs: number, recorded = epochs): Promise<TinySearch> {
  const cellsPerStage = space === "nb301" ? 2 : 1;
  const result = await oneshotSearch({
    method,
    space,
    data: DATA,
    channels: 4,
    cellsPerStage,
    epochs,
    seed: 5,
    batchSize: 16,
    evalImages: 32,
    candidates: 3,
    engine: await loadEngine(),
    ...(method === "pc-darts" ? { partialChannels: 2, warmupEpochs: 0 } : {}),
    ...(method === "proxyless" ? { latency: LATENCY } : {}),
  });
  const study = await openOneshotStudy(storage, name, method, 5, { channels: 4, cells: cellsPerStage, epochs, batchSize: 16 }, space);
  const history = result.state.history;
  await recordEpochs(storage, study, history.slice(0, recorded), space);
  return { study, history };
}
