import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { readLatencyTable } from "../src/cli/commands/latency-table.js";
import { adaptToDevice, predictLatency, sourcePrior } from "../src/predict/latency/few-shot.js";
import { nb201Cell, nb201LatencyFeatures, nb201Ops, nb201PrunedLatencyFeatures, nb201PrunedOps } from "../src/predict/latency/nb201-features.js";
import { fewShotTransfer } from "../src/predict/latency/transfer.js";
import { spearman } from "../src/predict/metrics/rank.js";
import { CsvTable } from "../src/evaluate/csv-table.js";
import { Rng } from "../src/core/rng.js";

const pruned = (arch: string) => nb201Cell(nb201PrunedOps(nb201Ops(arch)));
const OPS = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"];
const TABLE = "data/nb201/nb201.csv.gz";

describe("the pruned form of an NB201 cell", () => {
  it("drops the ops whose output cannot reach the cell output, keeps those fed only by zeros", () => {
    // 2 -> 3 is none, so 0 -> 2 and 1 -> 2 feed nothing; 1 -> 3 runs on node 1, which only 'none' feeds.
    assert.equal(pruned("|none~0|+|nor_conv_3x3~0|skip_connect~1|+|none~0|nor_conv_3x3~1|none~2|"), "|none~0|+|none~0|none~1|+|none~0|nor_conv_3x3~1|none~2|");
    assert.equal(pruned("|nor_conv_3x3~0|+|avg_pool_3x3~0|nor_conv_1x1~1|+|none~0|skip_connect~1|none~2|"), "|nor_conv_3x3~0|+|none~0|none~1|+|none~0|skip_connect~1|none~2|");
    // Nothing enters node 3: the whole cell goes.
    assert.equal(pruned("|nor_conv_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|none~0|none~1|none~2|"), "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|");
    for (const live of ["|nor_conv_3x3~0|+|skip_connect~0|nor_conv_1x1~1|+|avg_pool_3x3~0|none~1|skip_connect~2|", "|nor_conv_3x3~0|+|none~0|nor_conv_1x1~1|+|none~0|none~1|skip_connect~2|"]) assert.equal(pruned(live), live);
    assert.deepEqual(nb201PrunedLatencyFeatures("|none~0|+|nor_conv_3x3~0|skip_connect~1|+|none~0|nor_conv_3x3~1|none~2|"), nb201LatencyFeatures("|none~0|+|none~0|none~1|+|none~0|nor_conv_3x3~1|none~2|"));
  });

  it("on the table, HW-NAS-Bench's Pixel 3 (TFLite) ranks a cell and its pruned form alike; a GPU running PyTorch does not", () => {
    const csv = CsvTable.read(TABLE);
    const archs = csv.strings("arch");
    const row = new Map(archs.map((arch, r) => [arch, r]));
    const prunedRow = archs.map((arch) => row.get(pruned(arch))!);
    const agreement = (column: string) => {
      const latency = csv.numbers(column);
      return spearman(Array.from(latency), prunedRow.map((r) => latency[r]));
    };
    const [pixel3, gpu] = [agreement("hwnb_pixel3_lat_ms"), agreement("help_1080ti_1_lat_ms")];
    assert.ok(pixel3 > 0.97 && gpu < 0.93, `Spearman of latency(cell) and latency(pruned cell): Pixel 3 ${pixel3.toFixed(3)}, 1080 Ti ${gpu.toFixed(3)}`);
  });
});

describe("few-shot transfer with the pruned view", () => {
  const rng = Rng.derive("pruned view test");
  const cells = Array.from({ length: 1500 }, () => `|${rng.pick(OPS)}~0|+|${rng.pick(OPS)}~0|${rng.pick(OPS)}~1|+|${rng.pick(OPS)}~0|${rng.pick(OPS)}~1|${rng.pick(OPS)}~2|`);
  const features = cells.map(nb201LatencyFeatures);
  const prunedFeatures = cells.map(nb201PrunedLatencyFeatures);
  // Eager devices pay for every op on every edge, each a little different.
  const device = (costs: number[], rows: number[][]) => Float64Array.from(rows, (f) => 1 + costs.reduce((s, c, k) => s + c * f[k], 0) + 0.02 * rng.normal());
  const jitter = () => [0, 0.4, 1.0, 0.3].map((c) => c * (0.8 + 0.4 * rng.float()));
  const prior = sourcePrior(features, Array.from({ length: 6 }, () => device(jitter(), features)));
  const rows = Array.from({ length: 20 }, (_, i) => i * 7);
  const fit = (target: Float64Array) => {
    const model = adaptToDevice(prior, rows.map((r) => features[r]), rows.map((r) => target[r]), rows.map((r) => prunedFeatures[r]));
    const view = model.view === "pruned" ? prunedFeatures : features;
    return { view: model.view, spearman: spearman(view.map((f) => predictLatency(model, f)), target) };
  };

  it("picks the pruned view on a device that skips dead ops and learns it from 20 samples", () => {
    const target = device(jitter(), prunedFeatures);
    const withView = fit(target);
    const model = adaptToDevice(prior, rows.map((r) => features[r]), rows.map((r) => target[r]));
    const cellOnly = spearman(features.map((f) => predictLatency(model, f)), target);
    assert.equal(withView.view, "pruned");
    assert.ok(withView.spearman > 0.97 && withView.spearman > cellOnly + 0.05, `Spearman with the pruned view ${withView.spearman.toFixed(3)}, cells only ${cellOnly.toFixed(3)}`);
  });

  it("keeps the cell view on a device that runs every op", () => {
    const result = fit(device(jitter(), features));
    assert.equal(result.view, "cell");
    assert.ok(result.spearman > 0.97, `Spearman ${result.spearman.toFixed(3)}`);
  });

  it("on the table: Pixel 3 from 20 samples reaches Spearman > 0.93 with the pruned view, below it without", () => {
    const table = readLatencyTable(TABLE, "arch");
    const target = "hwnb_pixel3_lat_ms";
    const sources = table.columns.filter((c) => c !== target);
    const [withView, without] = [fewShotTransfer(table, target, sources, 20, 0), fewShotTransfer(table, target, sources, 20, 0, { prunedView: false })];
    assert.ok(withView.spearman > 0.93 && withView.spearman > without.spearman + 0.02, `Pixel 3: ${withView.spearman.toFixed(4)} with the pruned view, ${without.spearman.toFixed(4)} without`);
  });
});
