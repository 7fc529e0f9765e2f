/**
 * `nascent search --zero-cost-warm-start PROXY`: the study's first trials are the FLOPs pool's best by the
 * proxy, the same seed gives the same trials, and a proxy that cannot run on the space fails before any trial.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { nb201Space } from "../src/space/builtin/nb201.js";
import { zeroCostPrior } from "../src/study/zero-cost-prior.js";
import { zeroCostEvaluator } from "../src/evaluate/zero-cost.js";
import { Rng } from "../src/core/rng.js";
import { openStorage } from "../src/storage/open.js";
import type { Space } from "../src/space/space.js";
import { lastJsonLine, runCli, tempDir } from "./support.js";

const nascent = (...args: string[]) => runCli(args, { timeoutMs: 120_000 });

describe("zero-cost warm start from the command line", () => {
  const dir = tempDir();
  const search = (study: string, seed: number) =>
    nascent("search", "--space", "nb201", "--benchmark", "nb201:cifar10", "--storage", `sqlite:${join(dir, "s.db")}`, "--study", study,
      "--strategy", "evolution", "--trials", "5", "--seed", String(seed), "--zero-cost-warm-start", "synflow", "--zero-cost-pool", "6", "--warm-seeds", "3");
  const trialRecords = (study: string) => {
    const result = nascent("trials", "--storage", `sqlite:${join(dir, "s.db")}`, "--study", study, "--json");
    assert.equal(result.code, 0, result.stderr);
    return lastJsonLine<{ key: string; number: number; note?: Record<string, unknown> }[]>(result.stdout).sort((a, b) => a.number - b.number);
  };

  it("evaluates the pool's best by synflow first, the same for the same seed", async () => {
    const first = search("a", 7);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, /zero-cost warm start: 6 zc:synflow evaluations in [\d.]+ s \(not trials\)/);
    assert.match(first.stdout, /^proxies 6 zc:synflow evaluations in [\d.]+ s \(zero-cost warm start; not trials\)$/m);
    const prior = await zeroCostPrior(nb201Space, "synflow", { pool: 6, seed: 7 });
    assert.equal(prior.evaluations, 6);
    // Scored again here through zc:synflow itself, with the documented per-config stream Rng.derive(PROXY, key, seed).
    const evaluator = zeroCostEvaluator("synflow");
    evaluator.checkSpace(nb201Space as Space<unknown>);
    const scores = new Map<string, number>();
    for (const t of prior.trials) {
      const context = { trialNumber: 0, rng: Rng.derive("synflow", t.key, 7), report: async () => {}, shouldPrune: () => false, signal: new AbortController().signal };
      scores.set(t.key, Number((await evaluator.evaluate(t.config, context)).synflow));
    }
    const best = [...scores.keys()].sort((x, y) => scores.get(y)! - scores.get(x)!).slice(0, 3);
    const trials = trialRecords("a");
    const keys = trials.map((t) => t.key);
    assert.equal(keys.length, 5);
    assert.deepEqual(keys.slice(0, 3), best);
    // `trials --json` says which trials the warm start gave, as the report does; the strategy's own have no such note.
    for (const t of trials.slice(0, 3)) assert.deepEqual({ origin: t.note?.origin, source: t.note?.source }, { origin: "warm-start", source: "zc:synflow" });
    for (const t of trials.slice(3)) assert.notEqual(t.note?.origin, "warm-start");
    assert.equal(search("b", 7).code, 0);
    assert.deepEqual(trialRecords("b").map((t) => t.key), keys);
  });

  it("stores the proxy evaluations and their time with the study: in its record, the JSON summary and the report", async () => {
    const db = join(dir, "p.db");
    const result = nascent("search", "--space", "nb201", "--benchmark", "nb201:cifar100", "--storage", `sqlite:${db}`, "--study", "p", "--strategy", "local", "--trials", "2", "--zero-cost-warm-start", "synflow", "--zero-cost-pool", "4", "--warm-seeds", "2", "--json");
    assert.equal(result.code, 0, result.stderr);
    const summary = lastJsonLine<{ proxyEvaluations: { proxy: string; evaluations: number; seconds: number } }>(result.stdout);
    assert.equal(summary.proxyEvaluations.proxy, "zc:synflow");
    assert.equal(summary.proxyEvaluations.evaluations, 4);
    const said = Number(/4 zc:synflow evaluations in ([\d.]+) s/.exec(result.stderr)?.[1]);
    assert.ok(summary.proxyEvaluations.seconds > 0 && Math.abs(summary.proxyEvaluations.seconds - said) <= 0.05, `${summary.proxyEvaluations.seconds} vs stderr ${said}`);
    const storage = openStorage(`sqlite:${db}`);
    try {
      assert.deepEqual((await storage.loadStudy("p"))?.spec.proxyEvaluations, summary.proxyEvaluations);
    } finally {
      await storage.close();
    }
    // A resumed run scores the pool again (printed) but the study keeps the record it was created with, and the same search.
    const resumed = nascent("search", "--space", "nb201", "--benchmark", "nb201:cifar100", "--storage", `sqlite:${db}`, "--study", "p", "--resume", "--strategy", "local", "--trials", "3", "--zero-cost-warm-start", "synflow", "--zero-cost-pool", "4", "--warm-seeds", "2", "--json");
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.deepEqual(lastJsonLine<typeof summary>(resumed.stdout).proxyEvaluations, summary.proxyEvaluations);
    const again = nascent("search", "--space", "nb201", "--benchmark", "nb201:cifar100", "--storage", `sqlite:${db}`, "--study", "p", "--resume", "--strategy", "local", "--trials", "3", "--zero-cost-warm-start", "synflow", "--zero-cost-pool", "4", "--warm-seeds", "2");
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /^proxies 4 zc:synflow evaluations in [\d.]+ s \(zero-cost warm start, stored from the run that created the study; this run scored the pool again: 4 zc:synflow evaluations in [\d.]+ s; not trials\)$/m);
    const report = nascent("report", "--storage", `sqlite:${db}`, "--study", "p", "--out", join(dir, "p.html"));
    assert.equal(report.code, 0, report.stderr);
    assert.match(readFileSync(join(dir, "p.html"), "utf8"), /"proxyEvaluations":\{"proxy":"zc:synflow","evaluations":4,/);
  });

  it("takes synflow when --zero-cost-warm-start has no proxy, and refuses its tuning flags without a warm start (exit 2, one line)", () => {
    const alone = nascent("search", "--space", "nb201", "--benchmark", "nb201:cifar10", "--storage", "memory:", "--trials", "1", "--zero-cost-warm-start", "--zero-cost-pool", "2", "--warm-seeds", "1");
    assert.equal(alone.code, 0, alone.stderr);
    assert.match(alone.stderr, /zero-cost warm start: 2 zc:synflow evaluations/);
    for (const [flag, value, needs] of [["--zero-cost-pool", "5", /^nascent: error: --zero-cost-pool needs --zero-cost-warm-start/], ["--warm-seeds", "2", /^nascent: error: --warm-seeds needs --warm-start or --zero-cost-warm-start/]] as const) {
      const result = nascent("search", "--space", "nb201", "--benchmark", "nb201:cifar10", "--storage", "memory:", "--trials", "1", flag, value);
      assert.equal(result.code, 2, result.stderr);
      assert.equal(result.stderr.trim().split("\n").length, 1, result.stderr);
      assert.match(result.stderr, needs);
    }
  });

  it("fails before the first trial, exit 2, when the proxy cannot run on the space", () => {
    const result = nascent("search", "--space", "vit", "--benchmark", "zc:naswot", "--storage", `sqlite:${join(dir, "v.db")}`, "--trials", "2");
    assert.equal(result.code, 2, result.stderr);
    const lines = result.stderr.trim().split("\n");
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0], /^nascent: error: zc:naswot: space 'vit' has no ReLU or ReLU6 \(activations: gelu\)/);
  });
});
