import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { llmConfigProblem } from "../src/space/builtin/llm-architecture.js";
import { resolveLlmEvaluator } from "../src/evaluate/llm-scaling-law.js";
import { LlmSpace, llmSpace } from "../src/space/builtin/llm.js";
import * as s from "../src/space/dsl.js";
import { spaceFromJson } from "../src/space/from-json.js";
import { Rng } from "../src/core/rng.js";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { BESIROGLU_2024, predictLoss } from "../src/cost/llm/scaling-law.js";
import { lastJsonLine, runCli, tempDir } from "./support.js";

const llama7b = { layers: 32, dModel: 4096, heads: 32, kvHeads: 32, ffn: "swiglu", ffnMult: 2.75, vocab: 32768, context: 4096, tiedEmbeddings: false, tokens: 2e12 };

describe("The llm space", () => {
  it("reports heads that do not divide dModel, and kv heads that do not divide heads, at their path", () => {
    assert.equal(llmSpace.check(llama7b, ""), null);
    const space = new LlmSpace({ layers: s.int(1, 4), dModel: s.choice([96, 100]), heads: s.choice([3, 4]), kvHeads: s.choice([1, 2, 3]), vocab: s.choice([256]), context: s.choice([64]) });
    assert.equal(space.check({ layers: 2, dModel: 100, heads: 3, kvHeads: 1, vocab: 256, context: 64 }, "config")?.message, "config.heads: 3 heads do not divide dModel 100 (give headDim, or choose heads dividing dModel)");
    assert.equal(space.check({ layers: 2, dModel: 96, heads: 4, kvHeads: 3, vocab: 256, context: 64 }, "")?.message, "kvHeads: 3 key/value heads do not divide 4 query heads (GQA groups must be equal)");
    assert.equal(llmConfigProblem({ layers: 2, dModel: 100, heads: 3, headDim: 32, vocab: 256, context: 64 }), null);
  });

  it("samples, mutates, crosses over and enumerates only valid transformers", () => {
    const space = new LlmSpace({ layers: s.int(1, 2), dModel: s.choice([96, 100]), heads: s.choice([3, 4]), kvHeads: s.choice([1, 2, 3]), vocab: s.choice([256]), context: s.choice([64]) });
    const rng = Rng.derive("llm-space-test");
    const all = space.grid();
    // Per layer count: d=96 with 3 heads (kv 1, 3) or 4 heads (kv 1, 2); d=100 only with 4 heads (kv 1, 2).
    assert.equal(all.length, 2 * 6);
    for (const c of all) assert.equal(space.check(c, ""), null);
    for (let i = 0; i < 200; i++) {
      const a = space.sample(rng);
      const b = space.mutate(a, rng);
      const child = space.crossover(a, b, rng);
      for (const c of [a, b, child]) assert.equal(space.check(c, ""), null, JSON.stringify(c));
    }
  });

  it("the built-in space spans about 10M to 70B parameters and round-trips through JSON", () => {
    const evaluator = resolveLlmEvaluator("llm:scaling-law");
    const rng = Rng.derive("llm-range");
    const params = Array.from({ length: 3000 }, () => evaluator.score(llmSpace.sample(rng)).params);
    assert.ok(Math.min(...params) < 2e7 && Math.max(...params) > 5e10, `${Math.min(...params)} .. ${Math.max(...params)}`);
    const back = spaceFromJson(JSON.parse(JSON.stringify(llmSpace.toJson())));
    assert.ok(back instanceof LlmSpace);
    assert.deepEqual(back.toJson(), llmSpace.toJson());
  });
});

describe("nascent llm and the llm:scaling-law search", () => {
  it("llm optimal --compute 5.76e23 --law hoffmann prints the closed form's N and D", () => {
    const result = runCli(["llm", "optimal", "--compute", "5.76e23", "--law", "hoffmann", "--json"]);
    assert.equal(result.code, 0, result.stderr);
    const out = lastJsonLine<{ params: number; tokens: number; a: number }>(result.stdout);
    assert.ok(Math.abs(out.params / 1e9 - 32.19) < 0.05 && Math.abs(out.tokens / 1e12 - 2.982) < 0.005);
  });

  it("llm fit recovers a law from a runs CSV, and llm optimal uses it as fit:PATH", () => {
    const dir = tempDir();
    const rows = [];
    for (const n of [1e7, 1e8, 1e9, 1e10]) for (const d of [1e9, 1e10, 1e11]) rows.push(`${n},${d},${predictLoss(BESIROGLU_2024, n, d)}`);
    writeFileSync(join(dir, "runs.csv"), `params,tokens,loss\n${rows.join("\n")}\n`);
    const fit = runCli(["llm", "fit", "--runs", join(dir, "runs.csv"), "--out", join(dir, "law.json"), "--json"]);
    assert.equal(fit.code, 0, fit.stderr);
    const optimal = runCli(["llm", "optimal", "--compute", "5.76e23", "--law", `fit:${join(dir, "law.json")}`, "--json"]);
    assert.equal(optimal.code, 0, optimal.stderr);
    assert.ok(Math.abs(lastJsonLine<{ params: number }>(optimal.stdout).params / 72.25e9 - 1) < 0.01);
  });

  it("bad input is one line naming it, exit code 2", () => {
    const cases: [string[], RegExp][] = [
      [["llm", "cost", "--config", '{"layers":2,"dModel":100,"heads":3,"vocab":10,"context":8}'], /heads: 3 heads do not divide dModel 100/],
      [["llm", "cost", "--config", '{"layers":2,"dModel":96,"heads":3,"vocab":10,"context":8}', "--device", "tpu-v9"], /unknown device 'tpu-v9'/],
      [["llm", "optimal", "--compute", "-5e20"], /--compute must be a positive number, got '-5e20'/],
    ];
    for (const [args, pattern] of cases) {
      const result = runCli(args);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, pattern);
      assert.equal(result.stderr.trim().split("\n").length, 1);
    }
  });

  it("NSGA-II under FLOPs, memory and L4-latency budgets returns a front that meets every constraint", () => {
    const result = runCli(["search", "--space", "llm", "--evaluator", "llm:scaling-law:context=8192", "--strategy", "nsga2", "--trials", "300", "--storage", "memory:",
      "--objective", "loss:min", "--objective", "latency:l4:min", "--constraint", "memory_gb<=16", "--constraint", "train_flops<=1e21", "--constraint", "latency:l4<=20", "--json"]);
    assert.equal(result.code, 0, result.stderr);
    const front = lastJsonLine<{ best: { metrics: Record<string, number> }[] }>(result.stdout).best;
    assert.ok(front.length >= 2);
    for (const { metrics } of front) assert.ok(metrics.memory_gb <= 16 && metrics.train_flops <= 1e21 && metrics["latency:l4"] <= 20);
  });
});
