import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { llmConfigProblem, type LlmConfig } from "../src/space/builtin/llm-architecture.js";
import { lastJsonLine, runCli } from "./support.js";

const tiny = { layers: 2, dModel: 64, heads: 4, vocab: 256, context: 64 };

describe("llm cost --config: what a config may hold", () => {
  it("names a misspelt key with the nearest known one, and a foreign key, exit 2", () => {
    const result = runCli(["llm", "cost", "--json", "--config", JSON.stringify({ ...tiny, kvheads: 2, colour: "blue" })]);
    assert.equal(result.code, 2, result.stderr);
    const lines = result.stderr.trim().split("\n");
    assert.equal(lines.length, 2, result.stderr);
    assert.match(lines[0], /^nascent: error: --config: kvheads: unknown field \(did you mean 'kvHeads'\?\)/);
    assert.match(lines[1], /^nascent: error: --config: colour: unknown field \(expected layers, dModel/);
    assert.equal(result.stdout, "");
  });

  it("reports every problem of a config, one line each, exit 2", () => {
    const result = runCli(["llm", "cost", "--config", JSON.stringify({ layers: 0, dModel: -128, heads: 3, vocab: 256, context: 64, ffn: "relu", tiedEmbeddings: "yes" })]);
    assert.equal(result.code, 2, result.stderr);
    assert.deepEqual(result.stderr.trim().split("\n"), [
      "nascent: error: --config: layers: expected a positive integer, got 0",
      "nascent: error: --config: dModel: expected a positive integer, got -128",
      "nascent: error: --config: tiedEmbeddings: expected true or false, got 'yes'",
      "nascent: error: --config: ffn: expected one of gelu, swiglu, geglu, got \"relu\"",
    ]);
  });

  it("checks divisibility once the sizes are valid, and both rules at once", () => {
    const problem = llmConfigProblem({ layers: 2, dModel: 100, heads: 3, kvHeads: 2, vocab: 256, context: 64 });
    assert.deepEqual(problem?.issues.map((i) => i.path), ["heads", "kvHeads"]);
    assert.equal(llmConfigProblem(tiny), null);
    assert.equal(llmConfigProblem([1] as unknown as LlmConfig)?.message, "expected an llm config object, got [1]");
  });

  it("leaves a Hugging Face config.json's extra keys alone", () => {
    const hf = { model_type: "gpt2", n_layer: 2, n_embd: 64, n_head: 4, vocab_size: 256, n_positions: 64, activation_function: "gelu_new", torch_dtype: "float32", architectures: ["GPT2LMHeadModel"] };
    const result = runCli(["llm", "cost", "--json", "--config", JSON.stringify(hf)]);
    assert.equal(result.code, 0, result.stderr);
  });
});

describe("nascent list evaluators", () => {
  it("lists llm:scaling-law, train:text and supernet:DIR with their options, next to the benchmarks", () => {
    const result = runCli(["list", "evaluators", "--json"]);
    assert.equal(result.code, 0, result.stderr);
    const listed = lastJsonLine<{ evaluators: { name: string; options: { name: string; default?: unknown }[] }[] }>(result.stdout).evaluators;
    const byName = new Map(listed.map((e) => [e.name, e]));
    assert.ok(byName.has("nb201") && byName.has("supernet:DIR"), [...byName.keys()].join(", "));
    assert.deepEqual(byName.get("llm:scaling-law")?.options.map((o) => o.name), ["law", "dtype", "batch", "context", "tokens_per_param", "devices"]);
    assert.deepEqual(byName.get("train:text")?.options.map((o) => [o.name, o.default]), [["--batch-size", 16], ["--learning-rate", 3e-3]]);
    const text = runCli(["list", "evaluators"]).stdout;
    assert.match(text, /^ {2}llm:scaling-law llm configs scored analytically/m);
    assert.match(text, /^ {6}dtype: one of fp32, bf16, fp16, fp8, int8, int4 \(default "bf16"\)/m);
  });
});
