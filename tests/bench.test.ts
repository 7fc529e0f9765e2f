import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { compareStrategies } from "../src/bench/compare.js";
import { quantile, summarize } from "../src/bench/sample-efficiency.js";
import { tempDir } from "./support.js";

describe("the strategy benchmark harness", () => {
  it("summarises runs by median queries to the optimum and quartiles of best-so-far", () => {
    const runs = [
      { strategy: "s", seed: 1, bestSoFar: [1, 2, 3, 3], seconds: 1 },
      { strategy: "s", seed: 2, bestSoFar: [1, 1, 2, 3], seconds: 1 },
      { strategy: "s", seed: 3, bestSoFar: [2, 2, 2, 2], seconds: 1 },
    ];
    const summary = summarize("s", runs, 3, [2, 4], true);
    assert.equal(summary.medianQueriesToOptimum, 4, "reached at 3, 4 and never: the median is 4");
    assert.deepEqual(summary.medianBestAt, { 2: 2, 4: 3 });
    assert.deepEqual(summary.quartiles[0], [1, 1, 1.5]);
    assert.equal(quantile([1, 2, 3, 4], 0.5), 2.5);
  });

  it("runs strategies on worker threads and writes JSON, markdown, SVG and PNG", async () => {
    const out = tempDir();
    const comparison = await compareStrategies({ benchmark: "nb201:cifar10", space: "nb201", strategies: ["random", "local"], budget: 30, seeds: 3, out, workers: 2, optuna: [] });
    assert.equal(comparison.optimum, 94.373);
    assert.deepEqual(comparison.summaries.map((s) => s.strategy), ["random", "local"]);
    for (const file of ["results.json", "summary.md", "best-so-far.svg", "best-so-far.png"]) assert.ok(existsSync(join(out, file)), file);
    const results = JSON.parse(readFileSync(join(out, "results.json"), "utf8")) as { runs: { bestSoFar: number[] }[] };
    assert.equal(results.runs.length, 6);
    assert.ok(results.runs.every((r) => r.bestSoFar.length === 30 && r.bestSoFar.every((v, i) => i === 0 || v >= r.bestSoFar[i - 1])));
    assert.match(readFileSync(join(out, "summary.md"), "utf8"), /\| local \| >30 \|/);
    assert.equal(readFileSync(join(out, "best-so-far.png")).subarray(1, 4).toString(), "PNG");
  });
});
