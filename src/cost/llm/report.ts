import type { LlmArchitecture } from "../../space/builtin/llm-architecture.js";
import { DEVICES, type Device } from "./devices.js";
import { decodeFlopsPerToken, prefillFlopsPerToken, trainingFlops } from "./flops.js";
import { computeDtype, inferenceMemoryBytes, kvCacheBytes, kvCacheBytesPerToken, trainingMemory, weightBytes, type Dtype, type TrainingMemory } from "./memory.js";
import { paramBreakdown } from "./params.js";
import { servingEstimate, type ServingEstimate } from "./roofline.js";
import { predictLoss, type ChinchillaLaw } from "./scaling-law.js";
import { optimalVocabularyDerivative } from "./vocabulary-law.js";

export interface CostReport {
  architecture: LlmArchitecture;
  /** Total parameters (embeddings counted once when tied). */
  params: number;
  embeddingParams: number;
  nonEmbeddingParams: number;
  dtype: Dtype;
  context: number;
  batch: number;
  tokens: number | null;
  trainFlops: number | null;
  /** Hoffmann et al.'s 6 N D with N the total parameters, for comparison. */
  trainFlops6ND: number | null;
  loss: number | null;
  prefillFlopsPerToken: number;
  decodeFlopsPerToken: number;
  weightBytes: number;
  kvCacheBytesPerToken: number;
  kvCacheBytes: number;
  inferenceMemoryBytes: number;
  trainingMemory: TrainingMemory;
  trainingMemoryCheckpointed: TrainingMemory;
  /** Tao et al. 2024's optimal vocabulary for this model's non-embedding parameters and width. */
  optimalVocab: number;
  serving: ServingEstimate[];
}

/** Every analytic quantity for one architecture at a dtype, batch and context (and tokens, for training). */
export function costReport(a: LlmArchitecture, options: { dtype: Dtype; batch: number; context: number; tokens?: number; devices?: Device[]; law: ChinchillaLaw }): CostReport {
  const { dtype, batch, context, tokens } = options;
  const params = paramBreakdown(a);
  const trainDtype: Dtype = dtype === "fp32" || dtype === "fp16" ? dtype : "bf16";
  return {
    architecture: a,
    params: params.total,
    embeddingParams: params.embedding,
    nonEmbeddingParams: params.nonEmbedding,
    dtype,
    context,
    batch,
    tokens: tokens ?? null,
    trainFlops: tokens ? trainingFlops(a, tokens, context) : null,
    trainFlops6ND: tokens ? 6 * params.total * tokens : null,
    loss: tokens ? predictLoss(options.law, params.total, tokens) : null,
    prefillFlopsPerToken: prefillFlopsPerToken(a, context),
    decodeFlopsPerToken: decodeFlopsPerToken(a, context),
    weightBytes: weightBytes(a, dtype),
    kvCacheBytesPerToken: kvCacheBytesPerToken(a, computeDtype(dtype)),
    kvCacheBytes: kvCacheBytes(a, computeDtype(dtype), context, batch),
    inferenceMemoryBytes: inferenceMemoryBytes(a, dtype, context, batch),
    trainingMemory: trainingMemory(a, trainDtype, { batch, context }),
    trainingMemoryCheckpointed: trainingMemory(a, trainDtype, { batch, context, checkpointing: true, flashAttention: true }),
    optimalVocab: Math.round(optimalVocabularyDerivative(params.nonEmbedding, a.dModel).vocab),
    serving: (options.devices ?? Object.values(DEVICES)).map((device) => servingEstimate(a, device, { dtype, batch, context })),
  };
}

/**
 * Cost questions the model cannot answer as asked, one line each: a context past the learned position table
 * (such a model has no embedding for those positions, so its context-dependent costs are an extrapolation).
 */
export function costWarnings(a: LlmArchitecture, context: number): string[] {
  const warnings: string[] = [];
  if (a.positions === "learned" && context > a.context) warnings.push(`--context ${context} exceeds the ${a.context} learned positions of this model (none embeds a later position): the context-dependent costs (attention FLOPs, KV cache, latency) are extrapolated`);
  return warnings;
}
