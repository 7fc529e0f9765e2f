/**
 * The tiny byte-level GPT shapes of the grid, the learning-rate sweep and the pruning benches: GPT-2 blocks
 * (GELU MLP 4x, LayerNorm, biases, learned positions, untied head), head dimension 16, context 64.
 */
import type { LlmConfig } from "../src/space/builtin/llm-architecture.js";

export const CONTEXT = 64;

/** Non-embedding parameters from 13K to 450K. */
export const SIZES = [
  { name: "L1-d32", layers: 1, dModel: 32, heads: 2 },
  { name: "L2-d32", layers: 2, dModel: 32, heads: 2 },
  { name: "L1-d48", layers: 1, dModel: 48, heads: 3 },
  { name: "L2-d48", layers: 2, dModel: 48, heads: 3 },
  { name: "L2-d64", layers: 2, dModel: 64, heads: 4 },
  { name: "L3-d80", layers: 3, dModel: 80, heads: 5 },
  { name: "L4-d96", layers: 4, dModel: 96, heads: 6 },
];

/** The `llm` config of a named size (no tokens). */
export function sizeConfig(name: string): LlmConfig {
  const size = SIZES.find((s) => s.name === name);
  if (!size) throw new Error(`unknown tiny size ${name}; one of ${SIZES.map((s) => s.name).join(", ")}`);
  return { layers: size.layers, dModel: size.dModel, heads: size.heads, kvHeads: size.heads, ffn: "gelu", ffnMult: 4, vocab: 256, context: CONTEXT, tiedEmbeddings: false, norm: "layernorm", bias: "all", positions: "learned" };
}

/** The depth-pruning parent of bench/llm-prune.ts: 4 layers, width 48, 2 heads of dimension 24. */
export const DEPTH_PRUNE_PARENT: LlmConfig = { layers: 4, dModel: 48, heads: 2, kvHeads: 2, ffn: "gelu", ffnMult: 4, vocab: 256, context: CONTEXT, tiedEmbeddings: false, norm: "layernorm", bias: "all", positions: "learned" };

/**
 * The training recipe of the grid, from bench/llm-lr-sweep.ts (docs/bench/llm-lr-sweep.jsonl): AdamW, batch 32
 * sequences of 64 bytes, linear warm-up over 5% of the steps, cosine to 10% at the run's own last step.
 */
export const RECIPE = {
  batch: 32,
  /** Peak learning rate at width d_model. */
  learningRate: (dModel: number): number => 2e-2 * (32 / dModel),
};
