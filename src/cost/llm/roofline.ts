import type { LlmArchitecture } from "../../space/builtin/llm-architecture.js";
import { peakFlops, type Device } from "./devices.js";
import { decodeFlopsPerToken, prefillFlopsPerToken } from "./flops.js";
import { computeDtype, inferenceMemoryBytes, kvCacheBytes, weightBytes, type Dtype } from "./memory.js";

/**
 * A roofline estimate (Williams et al. 2009): a step takes max(FLOPs / peak FLOP/s, bytes moved / bandwidth).
 * Decode reads every weight and the whole KV cache once per step, so at small batches it is bandwidth-bound
 * (Pope et al. 2022, Sec. 3); prefill does the whole prompt in one pass and is compute-bound. Peaks are the
 * datasheet's: real kernels reach 50-80% of them, so these are lower bounds on time.
 */
export interface ServingEstimate {
  device: string;
  dtype: Dtype;
  batch: number;
  context: number;
  /** Seconds for one decode step (every sequence of the batch gets one token) with `context` tokens cached. */
  decodeSecondsPerToken: number;
  decodeTokensPerSecond: number;
  decodeBound: "memory" | "compute";
  /** Seconds to prefill `batch` prompts of `context` tokens, and per prompt token. */
  prefillSeconds: number;
  prefillSecondsPerToken: number;
  prefillBound: "memory" | "compute";
  memoryBytes: number;
  fits: boolean;
}

export function servingEstimate(a: LlmArchitecture, device: Device, options: { dtype: Dtype; batch: number; context: number }): ServingEstimate {
  const { dtype, batch, context } = options;
  const flopRate = peakFlops(device, dtype);
  const kvDtype = computeDtype(dtype);
  const weights = weightBytes(a, dtype);

  const decodeCompute = (batch * decodeFlopsPerToken(a, context)) / flopRate;
  const decodeMemory = (weights + kvCacheBytes(a, kvDtype, context, batch)) / device.memoryBandwidth;
  const decodeSeconds = Math.max(decodeCompute, decodeMemory);

  const prefillCompute = (batch * context * prefillFlopsPerToken(a, context)) / flopRate;
  const prefillMemory = (weights + kvCacheBytes(a, kvDtype, context, batch)) / device.memoryBandwidth;
  const prefillSeconds = Math.max(prefillCompute, prefillMemory);

  const memoryBytes = inferenceMemoryBytes(a, dtype, context, batch);
  return {
    device: device.name,
    dtype,
    batch,
    context,
    decodeSecondsPerToken: decodeSeconds,
    decodeTokensPerSecond: batch / decodeSeconds,
    decodeBound: decodeMemory >= decodeCompute ? "memory" : "compute",
    prefillSeconds,
    prefillSecondsPerToken: prefillSeconds / (batch * context),
    prefillBound: prefillMemory >= prefillCompute ? "memory" : "compute",
    memoryBytes,
    fits: memoryBytes <= device.memoryBytes,
  };
}
