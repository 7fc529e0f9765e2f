import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { mbConv } from "../src/nn/blocks.js";
import { buildNetwork } from "../src/nn/builders/index.js";
import { fitLinearPredictor, predictLinear } from "../src/predict/latency/linear-predictor.js";
import { blockKey, estimateFromTable, networkBlocks, type LookupTable } from "../src/predict/latency/lookup-table.js";
import { featureVector, NETWORK_FEATURES, networkFeatures } from "../src/predict/latency/network-features.js";
import { mobilenetSpace } from "../src/space/builtin/macro.js";
import { parseConstraint, parseObjective } from "../src/core/objectives.js";
import { Rng } from "../src/core/rng.js";

describe("latency lookup table and network-wise predictors", () => {
  it("an MBConv block's key is once-for-all's expanded_conv format", () => {
    assert.equal(blockKey(mbConv(16, 16, { kernel: 5, expand: 6, stride: 1 }), [14, 14, 16]), "expanded_conv-input:14x14x16-output:14x14x16-expand:6-kernel:5-stride:1-idskip:1");
    assert.equal(blockKey(mbConv(16, 24, { kernel: 3, expand: 3, stride: 2 }), [14, 14, 16]), "expanded_conv-input:14x14x16-output:7x7x24-expand:3-kernel:3-stride:2-idskip:0");
  });

  it("a mobilenet network's estimate is the sum of its blocks' entries: stem, every MBConv, head, classifier", () => {
    const config = mobilenetSpace.sample(Rng.derive("lut test"));
    const { network, input } = buildNetwork("mobilenet", config, { shape: [28, 28, 1], classes: 10 });
    const blocks = networkBlocks(network, input);
    const depth = config.stages.reduce((sum, stage) => sum + stage.depth, 0);
    assert.equal(blocks.filter((b) => b.key.startsWith("expanded_conv")).length, depth);
    const table: LookupTable = { kind: "lookup-table", version: 1, device: "test", entries: Object.fromEntries(blocks.map((b, i) => [b.key, i + 1])) };
    const distinct = new Map(blocks.map((b, i) => [b.key, i + 1]));
    assert.equal(estimateFromTable(table, network, input), blocks.reduce((sum, b) => sum + (distinct.get(b.key) as number), 0));
    assert.throws(() => estimateFromTable({ ...table, entries: {} }, network, input), /no entry 'sequential-input:/);
  });

  it("the linear predictor recovers a latency that is linear in the features, with relative errors under 1%", () => {
    const rng = Rng.derive("linear predictor");
    const rows = Array.from({ length: 60 }, () => {
      const config = mobilenetSpace.sample(rng);
      const { network, input } = buildNetwork("mobilenet", config, { shape: [28, 28, 1], classes: 10 });
      return featureVector(networkFeatures(network, input));
    });
    // A device where pointwise MACs cost 0.02 ms per million, depthwise 0.05, and each operator 5 us.
    const truth = (x: number[]) => 0.02 * x[0] + 0.05 * x[1] + 0.005 * x[6] + 0.1;
    const predictor = fitLinearPredictor("synthetic", [...NETWORK_FEATURES], rows.slice(0, 40), rows.slice(0, 40).map(truth), 1e-8);
    for (const x of rows.slice(40)) assert.ok(Math.abs(predictLinear(predictor, x) / truth(x) - 1) < 0.01);
  });

  it("objectives and constraints name a device's latency, device names with colons included", () => {
    const maximize = () => "maximize" as const;
    assert.deepEqual(parseObjective("latency:ort-node:1:min", maximize), { metric: "latency:ort-node:1", direction: "minimize" });
    assert.deepEqual(parseObjective("latency:chromium-wasm", () => "minimize"), { metric: "latency:chromium-wasm", direction: "minimize" });
    assert.deepEqual(parseObjective("accuracy:max", maximize), { metric: "accuracy", direction: "maximize" });
    assert.throws(() => parseObjective("accuracy:max:min", maximize), /not of the form/);
    assert.deepEqual(parseConstraint("latency:ort-node:1<=2.5"), { metric: "latency:ort-node:1", op: "<=", bound: 2.5 });
  });
});
