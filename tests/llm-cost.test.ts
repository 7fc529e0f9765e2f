import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { resolveArchitecture, type LlmArchitecture } from "../src/space/builtin/llm-architecture.js";
import { DEVICES } from "../src/cost/llm/devices.js";
import { decodeFlopsPerToken, prefillFlopsPerToken, trainingFlops } from "../src/cost/llm/flops.js";
import { fromHfConfig } from "../src/cost/llm/hf-config.js";
import { kvCacheBytesPerToken, trainingMemory } from "../src/cost/llm/memory.js";
import { paramBreakdown, totalParams } from "../src/cost/llm/params.js";
import { servingEstimate } from "../src/cost/llm/roofline.js";
import { optimalVocabularyDerivative } from "../src/cost/llm/vocabulary-law.js";

const example = (name: string): LlmArchitecture =>
  resolveArchitecture(fromHfConfig(JSON.parse(readFileSync(fileURLToPath(new URL(`../../examples/llm/${name}.json`, import.meta.url)), "utf8"))));

describe("LLM parameter counts from Hugging Face config.json", () => {
  // Published totals: the model cards / `sum(p.numel())` of the released checkpoints.
  const published: [string, number][] = [
    ["gpt2", 124_439_808], // GPT-2 small, "124M": learned positions, tied LM head, biases everywhere
    ["llama-2-7b", 6_738_415_616], // Touvron et al. 2023, "6.74B"
    ["llama-2-70b", 68_976_648_192], // GQA with 8 KV heads, "68.98B"
    ["mistral-7b-v0.1", 7_241_732_096], // Jiang et al. 2023, GQA 8 KV heads, "7.24B"
    ["qwen2-0.5b", 494_032_768], // q/k/v biases, tied, "0.49B"
    ["qwen2-7b", 7_615_616_512], // q/k/v biases, untied, "7.62B"
    ["gemma-2b", 2_506_172_416], // MQA, head_dim 256 given (8 x 256 != 2048), GeGLU, tied, "2.51B"
    ["tinyllama-1.1b", 1_100_048_384], // GQA 4 KV heads, "1.1B"
  ];
  for (const [name, count] of published) {
    it(`${name} has ${count.toLocaleString("en-US")} parameters (within 0.1%; exact here)`, () => {
      const total = totalParams(example(name));
      assert.ok(Math.abs(total - count) / count < 1e-3, `${total} vs ${count}`);
      assert.equal(total, count);
    });
  }

  it("splits GPT-2 small into 39.4M embedding (tokens + 1024 positions) and 85.1M non-embedding parameters", () => {
    assert.deepEqual(paramBreakdown(example("gpt2")), { embedding: 50257 * 768 + 1024 * 768, nonEmbedding: 85_056_000, total: 124_439_808 });
  });
});

describe("LLM FLOPs, KV cache and memory", () => {
  it("a GPT-2 small token costs 2 FLOPs per matmul parameter (LM head included) with nothing cached", () => {
    assert.equal(decodeFlopsPerToken(example("gpt2"), 0), 2 * (85_056_000 + 50257 * 768));
  });

  it("prefill adds Kaplan et al.'s 2 L T d_attn and decode 4 L T d_attn per token", () => {
    const a = example("llama-2-7b");
    assert.equal(prefillFlopsPerToken(a, 4096) - prefillFlopsPerToken(a, 0), 2 * 32 * 4096 * 4096);
    assert.equal(decodeFlopsPerToken(a, 4096) - decodeFlopsPerToken(a, 0), 4 * 32 * 4096 * 4096);
  });

  it("training is 3x the prefill forward: 6 N_m D plus the attention term", () => {
    const a = example("llama-2-7b");
    const n = paramBreakdown(a).nonEmbedding + a.vocab * a.dModel;
    assert.equal(trainingFlops(a, 1e9, 4096), 6 * n * 1e9 + 6 * 32 * 4096 * 4096 * 1e9);
  });

  it("Llama-2-7B caches 512 KiB per token in fp16 and Llama-2-70B 320 KiB (GQA divides it by 8)", () => {
    assert.equal(kvCacheBytesPerToken(example("llama-2-7b"), "fp16"), 512 * 1024);
    assert.equal(kvCacheBytesPerToken(example("llama-2-70b"), "fp16"), 320 * 1024);
  });

  it("mixed-precision Adam keeps 16 bytes per parameter before activations (ZeRO)", () => {
    const a = example("llama-2-7b");
    const m = trainingMemory(a, "bf16", { batch: 1, context: 4096 });
    assert.equal(m.weights + m.gradients + m.optimizer, 16 * 6_738_415_616);
    const checkpointed = trainingMemory(a, "bf16", { batch: 1, context: 4096, checkpointing: true });
    assert.ok(checkpointed.activations < m.activations / 10);
  });
});

describe("Serving roofline", () => {
  it("Llama-2-7B fp16 decode at batch 1 on an A100 80GB is the bandwidth bound, 0.69x gpt-fast's measured 9.53 ms", () => {
    const estimate = servingEstimate(example("llama-2-7b"), DEVICES["a100-80gb"], { dtype: "fp16", batch: 1, context: 128 });
    assert.equal(estimate.decodeBound, "memory");
    const bound = ((6_738_415_616 * 2 + 128 * 512 * 1024) / 2039e9) * 1000;
    assert.ok(Math.abs(estimate.decodeSecondsPerToken * 1000 - bound) < 1e-9);
    // pytorch-labs/gpt-fast README: 104.9 tokens/s at batch 1 on an A100-80GB (bf16, power-limited to 330 W).
    const ratio = estimate.decodeSecondsPerToken / (1 / 104.9);
    assert.ok(ratio > 0.6 && ratio < 0.8, `ratio ${ratio}`);
  });

  it("prefill of a 4k prompt is compute-bound and Llama-2-70B in fp16 does not fit on one L4", () => {
    assert.equal(servingEstimate(example("llama-2-7b"), DEVICES.l4, { dtype: "bf16", batch: 1, context: 4096 }).prefillBound, "compute");
    assert.equal(servingEstimate(example("llama-2-70b"), DEVICES.l4, { dtype: "fp16", batch: 1, context: 4096 }).fits, false);
  });
});

describe("Vocabulary law (Tao et al. 2024)", () => {
  it("gives Llama-2-70B an optimal vocabulary above 200K, far above its 32K", () => {
    const a = example("llama-2-70b");
    const v = optimalVocabularyDerivative(paramBreakdown(a).nonEmbedding, a.dModel).vocab;
    assert.ok(v > 200_000 && v < 240_000, `${v}`);
  });
});
