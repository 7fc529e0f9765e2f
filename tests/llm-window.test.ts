import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { llmConfigProblem, resolveArchitecture } from "../src/space/builtin/llm-architecture.js";
import { decodeFlopsPerToken, meanAttendedPositions, prefillFlopsPerToken } from "../src/cost/llm/flops.js";
import { fromHfConfig, hfConfigWarnings } from "../src/cost/llm/hf-config.js";
import { kvCacheBytes, kvCacheBytesPerToken } from "../src/cost/llm/memory.js";
import { costWarnings } from "../src/cost/llm/report.js";
import { causalLmShapeOf } from "../src/evaluate/train-text.js";

const json = (name: string): Record<string, unknown> => JSON.parse(readFileSync(fileURLToPath(new URL(`../../examples/llm/${name}.json`, import.meta.url)), "utf8")) as Record<string, unknown>;
const example = (name: string) => resolveArchitecture(fromHfConfig(json(name)));

describe("Sliding-window attention (Mistral 7B: window 4096, 32768 positions)", () => {
  const mistral = example("mistral-7b-v0.1");

  it("reads sliding_window from Mistral's config.json, and none from a null one", () => {
    assert.equal(mistral.slidingWindow, 4096);
    assert.equal(resolveArchitecture(fromHfConfig({ ...json("mistral-7b-v0.1"), sliding_window: null })).slidingWindow, undefined);
  });

  it("keeps a rolling KV cache of the window: 512 MiB in fp16 at 32k context, as at 4k", () => {
    assert.equal(kvCacheBytesPerToken(mistral, "fp16"), 128 * 1024);
    assert.equal(kvCacheBytes(mistral, "fp16", 32768), 4096 * 128 * 1024);
    assert.equal(kvCacheBytes(mistral, "fp16", 2048), 2048 * 128 * 1024);
  });

  it("attends to at most the window: decode at 32k costs what it costs at 4k, prefill W - W^2/2T positions a token", () => {
    assert.equal(decodeFlopsPerToken(mistral, 32768), decodeFlopsPerToken(mistral, 4096));
    assert.ok(decodeFlopsPerToken(mistral, 2048) < decodeFlopsPerToken(mistral, 4096));
    assert.equal(meanAttendedPositions(mistral, 32768), 4096 - 256);
    assert.equal(meanAttendedPositions(mistral, 4096), 2048);
    const full = resolveArchitecture({ ...fromHfConfig(json("mistral-7b-v0.1")), slidingWindow: undefined });
    assert.equal(prefillFlopsPerToken(mistral, 4096), prefillFlopsPerToken(full, 4096));
    assert.equal(prefillFlopsPerToken(full, 32768) - prefillFlopsPerToken(mistral, 32768), 4 * 32 * 4096 * (16384 - 3840));
  });

  it("rejects a window that is not a positive integer, and train:text refuses one under the context", () => {
    assert.match(llmConfigProblem({ layers: 2, dModel: 64, heads: 4, vocab: 256, context: 64, slidingWindow: 0 })?.message ?? "", /slidingWindow/);
    const gpt = { layers: 1, dModel: 32, heads: 2, vocab: 256, context: 64, ffn: "gelu", norm: "layernorm", bias: "all", positions: "learned" } as const;
    assert.throws(() => causalLmShapeOf(resolveArchitecture({ ...gpt, slidingWindow: 32 })), /slidingWindow 32 is under the context 64/);
    assert.equal(causalLmShapeOf(resolveArchitecture({ ...gpt, slidingWindow: 64 })).context, 64);
  });

  it("names qwen2's per-layer window as not modelled", () => {
    assert.deepEqual(hfConfigWarnings(json("qwen2-7b")), []);
    assert.match(hfConfigWarnings({ ...json("qwen2-7b"), use_sliding_window: true, sliding_window: 4096, max_window_layers: 21 })[0], /use_sliding_window .* is ignored/);
  });
});

describe("A context past the learned positions", () => {
  it("warns for GPT-2 small at 2048 tokens (1024 learned positions), not at 1024, and not for rotary Llama at 8k", () => {
    assert.match(costWarnings(example("gpt2"), 2048)[0], /--context 2048 exceeds the 1024 learned positions/);
    assert.deepEqual(costWarnings(example("gpt2"), 1024), []);
    assert.deepEqual(costWarnings(example("llama-2-7b"), 8192), []);
  });
});
