import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { measureLatency } from "../src/evaluate/devices/protocol.js";
import { latencyScreen } from "../src/evaluate/latency-evaluator.js";
import { buildNetwork } from "../src/nn/builders/index.js";
import { networkFeatures } from "../src/predict/latency/network-features.js";
import { DEFAULT_GBDT } from "../src/predict/latency/gbdt.js";
import { fitLatencyPredictor, predictLatencies } from "../src/predict/latency/predictors.js";
import { mobilenetSpace } from "../src/space/builtin/macro.js";
import { randomSearch } from "../src/strategy/random.js";
import { mnasnetReward, reinforce } from "../src/strategy/policy-gradient.js";
import { screened } from "../src/strategy/screened.js";
import type { StrategyContext, TrialView } from "../src/strategy/strategy.js";
import { Rng } from "../src/core/rng.js";

const context = (seed: number): StrategyContext<unknown> => ({
  space: mobilenetSpace as never,
  trialNumber: seed,
  rng: Rng.derive("screen test", seed),
  history: [],
  pending: [],
  seen: new Set(),
  directions: ["maximize"],
});

/** A device whose latency is a known function of the architecture: 0.02 ms per million MACs plus 4 us per operator. */
function syntheticDataset(count: number, seed: number) {
  const rng = Rng.derive("synthetic latency", seed);
  return Array.from({ length: count }, () => {
    const config = mobilenetSpace.sample(rng);
    const { network, input } = buildNetwork("mobilenet", config, { shape: [64, 64, 3], classes: 10 });
    const f = networkFeatures(network, input);
    const ms = 0.02 * (f.macsPointwise + 3 * f.macsDepthwise + f.macsSpatial) + 0.004 * f.operators + 0.05 * f.depthwiseMBUnaligned;
    return { config, f, ms };
  });
}

describe("search under latency", () => {
  it("times every run on the primary clock and on the clocks beside it", async () => {
    let wall = 0;
    let cpu = 0;
    const run = async () => {
      wall += 3; // waited 2 ms for a core, computed 1 ms
      cpu += 1;
    };
    const m = await measureLatency(run, { warmup: 1, minRepeats: 10, maxRepeats: 10, relativeError: 0.02, timeCapMs: 1e9 }, () => wall, { "process-cpu": () => cpu });
    assert.equal(m.medianMs, 3);
    assert.deepEqual(m.clocks?.["process-cpu"], { medianMs: 1, p90Ms: 1, p10Ms: 1 });
  });

  it("every predictor kind learns a synthetic device (linear and GBDT 90% within ±10%, the MLP ensemble 75% from 80 networks) and predicts the same after a JSON round trip", () => {
    const rows = syntheticDataset(120, 0);
    const [train, test] = [rows.slice(0, 80), rows.slice(80)];
    for (const kind of ["linear", "gbdt", "mlp-ensemble"] as const) {
      const predictor = fitLatencyPredictor(kind, "synthetic", train.map((r) => r.f), train.map((r) => r.ms), { rng: Rng.derive("fit", kind), gbdt: { ...DEFAULT_GBDT, trees: 60, shrinkage: 0.15 }, mlpEpochs: 300 });
      const predicted = predictLatencies(predictor, test.map((r) => r.f));
      const within = predicted.filter((p, i) => Math.abs(p / test[i].ms - 1) <= 0.1).length / test.length;
      assert.ok(within >= (kind === "mlp-ensemble" ? 0.75 : 0.9), `${kind}: ${within} within ±10%`);
      assert.deepEqual(predictLatencies(JSON.parse(JSON.stringify(predictor)), test.map((r) => r.f)), predicted);
    }
  });

  it("a screened strategy spends no trial on a config predicted above the bound, and counts those it set aside", async () => {
    const rows = syntheticDataset(60, 1);
    const predictor = fitLatencyPredictor("linear", "synthetic", rows.map((r) => r.f), rows.map((r) => r.ms), { rng: Rng.derive("fit") });
    const bound = [...rows.map((r) => r.ms)].sort((a, b) => a - b)[15];
    const screen = latencyScreen(mobilenetSpace as never, predictor, { shape: [64, 64, 3], classes: 10 }, [{ metric: "latency:synthetic", op: "<=", bound }], 0);
    const strategy = screened(randomSearch(), screen);
    let setAside = 0;
    for (let trial = 0; trial < 20; trial++) {
      const proposal = await strategy.propose(context(trial));
      assert.equal(screen(proposal.config).ruledOut, false);
      setAside += proposal.note?.screenedOut as number;
    }
    assert.ok(setAside > 20, `${setAside} proposals set aside for a bound at the 25th percentile`);
    await assert.rejects(Promise.resolve(screened(randomSearch(), () => ({ ruledOut: true }), 5).propose(context(0))), /ruled out 5 proposals in a row/);
  });

  it("MnasNet's reward: accuracy at the target latency, x (LAT/T)^w beyond it; REINFORCE with it moves to faster networks", async () => {
    assert.equal(mnasnetReward(0.8, 2, 2, -0.07), 0.8);
    assert.ok(Math.abs(mnasnetReward(0.8, 4, 2, -0.07) - 0.8 * 2 ** -0.07) < 1e-12);
    // Every network is equally accurate; latency grows with resolution squared. MnasNet's reward prefers the smallest.
    const strategy = reinforce({ batch: 10, learningRate: 0.5, latencyTarget: 1, latencyWeight: -1 });
    const history: TrialView<unknown>[] = [];
    const resolutions: number[] = [];
    for (let number = 0; number < 120; number++) {
      const { config } = await strategy.propose({ ...context(number), history, seen: new Set() });
      const resolution = (config as { resolution: number }).resolution;
      resolutions.push(resolution);
      history.push({ number, config, key: String(number), state: "complete", values: [0.8, 4 * resolution ** 2], fitness: 0.8, feasible: true, violation: 0, intermediate: [], note: null });
    }
    const small = (from: number) => resolutions.slice(from, from + 30).filter((r) => r === 0.75).length;
    assert.ok(small(90) > small(0) + 5, `resolution 0.75 in the first 30 proposals: ${small(0)}, in the last 30: ${small(90)}`);
  });
});
