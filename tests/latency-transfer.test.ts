import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { readLatencyTable } from "../src/cli/commands/latency-table.js";
import { medianRelativeError, measureLatency } from "../src/evaluate/devices/protocol.js";
import { pcaRidgeBaseline } from "../src/predict/latency/pca-ridge-baseline.js";
import { liveEdges, nb201LatencyFeatures } from "../src/predict/latency/nb201-features.js";
import { drawRows, fewShotTransfer, scoreUnseen } from "../src/predict/latency/transfer.js";
import { spearman } from "../src/predict/metrics/rank.js";
import { Rng } from "../src/core/rng.js";
import { CsvTable } from "../src/evaluate/csv-table.js";

const TABLE = "data/nb201/nb201.csv.gz";

describe("few-shot latency transfer on NAS-Bench-201", () => {
  it("an edge whose output node reaches the cell output only through 'none' is dead", () => {
    // 1<-0 conv3x3; 2<-0 none, 2<-1 conv1x1; 3<-0 none, 3<-1 none, 3<-2 none: node 3 gets nothing.
    const ops = ["nor_conv_3x3", "none", "nor_conv_1x1", "none", "none", "none"];
    assert.deepEqual(liveEdges(ops), [false, false, false, false, false, false]);
    assert.deepEqual(nb201LatencyFeatures("|nor_conv_3x3~0|+|none~0|nor_conv_1x1~1|+|none~0|none~1|none~2|"), [0, 1, 1, 0, 0, 0, 0, 0]);
    assert.deepEqual(liveEdges(["skip_connect", "none", "none", "none", "nor_conv_3x3", "none"]), [true, false, false, false, true, false]);
  });

  it("Spearman with ties averages their ranks", () => {
    assert.equal(spearman([1, 2, 3, 4], [10, 20, 30, 40]), 1);
    assert.ok(Math.abs(spearman([1, 1, 2], [1, 2, 3]) - 0.8660254) < 1e-6);
  });

  const table = readLatencyTable(TABLE, "arch");
  it("20 samples of the Titan RTX (batch 1) rank the other 15,605 architectures at Spearman > 0.96, above the PCA-ridge baseline", () => {
    const target = "help_titan_rtx_1_lat_ms";
    const sources = table.columns.filter((c) => c !== target);
    const ours = fewShotTransfer(table, target, sources, 20, 0);
    assert.equal(ours.samples, 20);
    assert.ok(ours.spearman > 0.96, `Spearman ${ours.spearman}`);
    const csv = CsvTable.read(TABLE);
    const measured = table.devices[target];
    const baseline = pcaRidgeBaseline(sources.map((s) => table.devices[s]), csv.numbers("flops_c10_M"), csv.numbers("params_c10_M"), ours.sampleRows, ours.sampleRows.map((r) => measured[r]));
    const base = scoreUnseen(baseline, measured, ours.sampleRows);
    assert.ok(ours.spearman > base.spearman, `ours ${ours.spearman} vs baseline ${base.spearman}`);
  });

  it("the adaptation rows are drawn from the seed alone, distinct and replayable", () => {
    const a = drawRows(15625, 20, Rng.derive("latency-transfer", "x", 3));
    assert.deepEqual(a, drawRows(15625, 20, Rng.derive("latency-transfer", "x", 3)));
    assert.equal(new Set(a).size, 20);
  });
});

describe("the latency protocol", () => {
  it("the median's relative standard error shrinks as 1/sqrt(n) and ignores a few outliers", () => {
    const rng = Rng.derive("protocol");
    const times = Array.from({ length: 400 }, () => 10 * (1 + 0.05 * rng.normal()));
    const e400 = medianRelativeError(times);
    const e100 = medianRelativeError(times.slice(0, 100));
    assert.ok(Math.abs(e100 / e400 - 2) < 0.4, `${e100} vs ${e400}`);
    assert.ok(Math.abs(medianRelativeError([...times, 1000, 2000, 5000]) - e400) < 0.2 * e400);
  });

  it("stops once the median is known to 2% and reports median and p90", async () => {
    // A fake clock: runs take 2 ms +- 5%, every tenth is a 10 ms hiccup (a busy machine).
    let now = 0;
    let i = 0;
    const rng = Rng.derive("protocol clock");
    const run = async () => {
      now += i++ % 10 === 9 ? 10 : 2 * (1 + 0.05 * rng.normal());
    };
    const m = await measureLatency(run, { warmup: 2, minRepeats: 10, maxRepeats: 5000, relativeError: 0.02, timeCapMs: 1e9 }, () => now);
    assert.ok(m.converged && m.relativeError < 0.02);
    assert.ok(Math.abs(m.medianMs - 2) < 0.05, `median ${m.medianMs}`);
    assert.ok(m.p90Ms > m.medianMs);
    const capped = await measureLatency(run, { warmup: 0, minRepeats: 10, maxRepeats: 5000, relativeError: 1e-6, timeCapMs: 100 }, () => now);
    assert.ok(!capped.converged && capped.repeats < 80, `${capped.repeats} runs under a 100 ms cap`);
  });
});
