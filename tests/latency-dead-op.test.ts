import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { nb201DeadOpDirection, nb201LatencyFeatures } from "../src/predict/latency/nb201-features.js";
import { adaptToDevice, predictLatency, sourcePrior } from "../src/predict/latency/few-shot.js";
import { spearman } from "../src/predict/metrics/rank.js";
import { Rng } from "../src/core/rng.js";

const OPS = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"];
const cell = (rng: Rng) => {
  const op = () => rng.pick(OPS);
  return `|${op()}~0|+|${op()}~0|${op()}~1|+|${op()}~0|${op()}~1|${op()}~2|`;
};

describe("few-shot transfer to a device that prunes dead ops", () => {
  it("moves each op's consensus cost from all edges to live edges", () => {
    assert.deepEqual(nb201DeadOpDirection([0.5, 0.1, 0.2, 0.3, 0.4, 0, 0, 0, 0]), [0, -0.1, -0.2, -0.3, -0.4, 0.1, 0.2, 0.3, 0.4]);
  });

  it("eager source devices, a pruning target: 20 samples learn it with the dead-op direction, not without", () => {
    const rng = Rng.derive("dead-op test");
    const features = Array.from({ length: 1500 }, () => nb201LatencyFeatures(cell(rng)));
    // Eager devices pay for every op: 1 + per-op costs on all edges, each device a little different.
    const sources = Array.from({ length: 6 }, () => {
      const costs = [0, 0.4, 1.0, 0.3].map((c) => c * (0.8 + 0.4 * rng.float()));
      return Float64Array.from(features, (f) => 1 + costs.reduce((s, c, k) => s + c * f[k], 0) + 0.02 * rng.normal());
    });
    const target = Float64Array.from(features, (f) => 1 + [0, 0.4, 1.0, 0.3].reduce((s, c, k) => s + c * f[4 + k], 0) + 0.02 * rng.normal());
    const source = sourcePrior(features, sources);
    const rows = Array.from({ length: 20 }, (_, i) => i * 7);
    const score = (directions?: number[][]) => {
      const model = adaptToDevice({ ...source, directions }, rows.map((r) => features[r]), rows.map((r) => target[r]));
      return spearman(features.map((f) => predictLatency(model, f)), target);
    };
    const [without, withDirection] = [score(), score([nb201DeadOpDirection(source.mean)])];
    assert.ok(withDirection > 0.97 && withDirection > without + 0.02, `Spearman without ${without.toFixed(3)}, with the dead-op direction ${withDirection.toFixed(3)}`);
  });
});
