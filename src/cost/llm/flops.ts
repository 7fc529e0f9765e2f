import type { LlmArchitecture } from "../../space/builtin/llm-architecture.js";
import { matmulParams } from "./params.js";

/**
 * FLOP counts. Convention (Kaplan et al. 2020, Table 1 and Sec. 2.1): a multiply-add is 2 FLOPs; the
 * forward pass costs 2 FLOPs per matmul parameter per token (N_m = `matmulParams`: non-embedding plus
 * the LM head), and attention adds, per token and layer, 2·d_attn FLOPs per earlier position for QK^T and
 * as many for the weighted sum of V, with d_attn = H·d_h. Softmax, norms and activations are left out
 * (under 1% for d >= 512). The backward pass costs twice the forward (Kaplan et al.; Hoffmann et al. 2022,
 * App. F), so training is 3x forward.
 */

/** Attention FLOPs for one token that attends to `positions` earlier positions, over all layers: 4·L·d_attn·positions. */
export function attentionFlopsPerToken(a: LlmArchitecture, positions: number): number {
  return 4 * a.layers * a.heads * a.headDim * positions;
}

/**
 * Positions one token attends to on average over a causal prompt of T tokens: T/2 with full attention; with a
 * window W < T, token t attends to min(t, W), W - W^2/(2T) on average (T/2 at T = W).
 */
export function meanAttendedPositions(a: LlmArchitecture, context: number): number {
  const w = a.slidingWindow;
  return w === undefined || context <= w ? context / 2 : w - (w * w) / (2 * context);
}

/**
 * Forward FLOPs per token when a whole prompt of `context` tokens is processed (prefill) with a causal mask:
 * 2·N_m + 2·L·T·d_attn (token t attends to t positions, T/2 on average). This is Kaplan et al.'s
 * C_forward = 2N + 2·n_layer·n_ctx·d_attn, with the LM head counted in N. A sliding window W replaces T/2 by
 * `meanAttendedPositions`.
 */
export function prefillFlopsPerToken(a: LlmArchitecture, context: number): number {
  return 2 * matmulParams(a) + attentionFlopsPerToken(a, meanAttendedPositions(a, context));
}

/** Forward FLOPs to generate one token with `context` tokens before it: 2·N_m + 4·L·min(T, W)·d_attn. */
export function decodeFlopsPerToken(a: LlmArchitecture, context: number): number {
  return 2 * matmulParams(a) + attentionFlopsPerToken(a, Math.min(context, a.slidingWindow ?? Infinity));
}

/**
 * Training FLOPs for `tokens` tokens in sequences of `context` (default: the model's): 3x the prefill
 * forward, i.e. 6·N_m·D + 6·L·T·d_attn·D. Hoffmann et al.'s C = 6ND is the first term with N total params.
 */
export function trainingFlops(a: LlmArchitecture, tokens: number, context = a.context): number {
  return 3 * prefillFlopsPerToken(a, context) * tokens;
}
