import { NascentError } from "../../core/errors.js";
import { isGated, type LlmArchitecture } from "../../space/builtin/llm-architecture.js";
import { totalParams } from "./params.js";

export const DTYPES = ["fp32", "bf16", "fp16", "fp8", "int8", "int4"] as const;
export type Dtype = (typeof DTYPES)[number];

/** Bytes per element; int4 packs two weights a byte (scales and zero points of grouped quantisation not counted). */
export const DTYPE_BYTES: Record<Dtype, number> = { fp32: 4, bf16: 2, fp16: 2, fp8: 1, int8: 1, int4: 0.5 };

export function parseDtype(text: string, where = "--dtype"): Dtype {
  if (!(DTYPES as readonly string[]).includes(text)) throw new NascentError(`${where}: unknown dtype '${text}' (expected ${DTYPES.join(", ")})`);
  return text as Dtype;
}

/** The dtype of activations and KV cache: 16-bit when int8/int4 weights are dequantised on the fly (weight-only quantisation). */
export function computeDtype(dtype: Dtype): Dtype {
  return dtype === "int8" || dtype === "int4" ? "fp16" : dtype;
}

/** Bytes of the weights stored in `dtype`. */
export function weightBytes(a: LlmArchitecture, dtype: Dtype): number {
  return totalParams(a) * DTYPE_BYTES[dtype];
}

/**
 * KV-cache bytes per token of context: a key and a value vector per KV head and layer, 2·L·H_kv·d_h
 * elements (Pope et al. 2022, "Efficiently Scaling Transformer Inference", Sec. 3.1). GQA/MQA divide it by H/H_kv.
 */
export function kvCacheBytesPerToken(a: LlmArchitecture, dtype: Dtype): number {
  return 2 * a.layers * a.kvHeads * a.headDim * DTYPE_BYTES[dtype];
}

/**
 * KV-cache bytes for `batch` sequences of `context` tokens; with a sliding window W, a rolling buffer of
 * min(T, W) tokens per sequence (Jiang et al. 2023, Mistral 7B, Sec. 2 "Rolling Buffer Cache").
 */
export function kvCacheBytes(a: LlmArchitecture, dtype: Dtype, context: number, batch = 1): number {
  return kvCacheBytesPerToken(a, dtype) * Math.min(context, a.slidingWindow ?? Infinity) * batch;
}

/**
 * Inference memory at a batch and context: weights + KV cache + the largest transient activation of a
 * forward pass over one new token per sequence (the logits, V, or the FFN hidden, f or 2f wide when gated),
 * in `dtype` (int8/int4 weights compute in 16-bit, so activations and KV cache stay 2 bytes there).
 * Framework overhead (CUDA context, allocator slack) is not included.
 */
export function inferenceMemoryBytes(a: LlmArchitecture, dtype: Dtype, context: number, batch = 1): number {
  const activations = computeDtype(dtype);
  const widest = Math.max(a.vocab, (isGated(a.ffn) ? 2 : 1) * a.ffnDim, 3 * a.dModel);
  return weightBytes(a, dtype) + kvCacheBytes(a, activations, context, batch) + batch * widest * DTYPE_BYTES[activations];
}

export interface TrainingMemory {
  weights: number;
  gradients: number;
  /** Adam's first and second moments in fp32, plus an fp32 master copy of the weights under mixed precision. */
  optimizer: number;
  activations: number;
  total: number;
}

/**
 * Activation bytes of one layer for a micro-batch of `batch` sequences of `context` tokens in 16-bit,
 * after Korthikanti et al. 2022 ("Reducing Activation Recomputation in Large Transformer Models", Sec. 4.1,
 * s·b·h·(34 + 5·a·s/h) with dropout), generalised to GQA and any FFN width: attention keeps its input (2sbh),
 * Q (2sb·H·d_h), K and V (4sb·H_kv·d_h), softmax output and dropout mask (3·a·s²·b, dropped with
 * FlashAttention, Dao et al. 2022, which keeps only the output), the projection input (2sb·H·d_h) and a
 * dropout mask (sbh); the FFN keeps its input (2sbh), each f-wide intermediate (2sbf, two more when gated)
 * and a dropout mask (sbh); the two norms keep their inputs (4sbh). Softmax input 2·a·s²·b also counted.
 */
export function activationBytesPerLayer(a: LlmArchitecture, batch: number, context: number, flashAttention = false): number {
  const sb = context * batch;
  const h = a.dModel;
  const q = a.heads * a.headDim;
  const kv = a.kvHeads * a.headDim;
  const scores = flashAttention ? 0 : 5 * a.heads * context * sb;
  const attention = 2 * sb * h + 2 * sb * q + 4 * sb * kv + scores + 2 * sb * q + sb * h;
  const ffnTensors = isGated(a.ffn) ? 4 : 2;
  const ffn = 2 * sb * h + ffnTensors * 2 * sb * a.ffnDim + sb * h;
  return attention + ffn + 4 * sb * h;
}

/**
 * Training memory with Adam (ZeRO, Rajbhandari et al. 2020, Sec. 3.1: 2+2+12 = 16 bytes per parameter under
 * mixed precision; 4+4+8 under fp32). Activations: every layer's (`activationBytesPerLayer`, scaled to the
 * dtype) plus the logits, or with full activation checkpointing only each layer's input (2sbh) plus one
 * layer recomputed at a time (Chen et al. 2016; Korthikanti et al. 2022, Sec. 4.2).
 */
export function trainingMemory(a: LlmArchitecture, dtype: Dtype, options: { batch: number; context?: number; checkpointing?: boolean; flashAttention?: boolean }): TrainingMemory {
  if (dtype === "int8" || dtype === "int4" || dtype === "fp8") throw new NascentError(`training memory: dtype ${dtype} is not a training precision (use fp32, bf16 or fp16)`);
  const context = options.context ?? a.context;
  const n = totalParams(a);
  const bytes = DTYPE_BYTES[dtype];
  const scale = bytes / 2;
  const perLayer = activationBytesPerLayer(a, options.batch, context, options.flashAttention) * scale;
  const logits = options.batch * context * a.vocab * 4;
  const activations = options.checkpointing
    ? a.layers * 2 * context * options.batch * a.dModel * scale + perLayer + logits
    : a.layers * perLayer + logits;
  const weights = n * bytes;
  const gradients = n * bytes;
  const optimizer = n * (8 + (dtype === "fp32" ? 0 : 4));
  return { weights, gradients, optimizer, activations, total: weights + gradients + optimizer + activations };
}
