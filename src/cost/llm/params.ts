import { isGated, type LlmArchitecture } from "../../space/builtin/llm-architecture.js";

/**
 * Parameter counts of a decoder-only transformer, counted matrix by matrix as the Hugging Face
 * implementations build them (GPT-2: `GPT2LMHeadModel`; Llama, Mistral, Qwen2, Gemma: `*ForCausalLM`).
 * Kaplan et al. 2020 (Table 1) give the same count for GPT-style models: N = 2 d L (2 d_attn + d_ff).
 */
export interface ParamBreakdown {
  /** Token embedding V·d, plus learned positions T·d, plus the LM head V·d when untied. */
  embedding: number;
  /** Everything else: attention, FFN and norms of every layer, and the final norm. */
  nonEmbedding: number;
  total: number;
}

/** Query, key, value and output projections of one layer: d·(H + 2 H_kv)·d_h + H·d_h·d, plus biases. */
export function attentionParams(a: LlmArchitecture): number {
  const q = a.heads * a.headDim;
  const kv = a.kvHeads * a.headDim;
  const weights = a.dModel * (q + 2 * kv) + q * a.dModel;
  const qkvBias = a.bias === "none" ? 0 : q + 2 * kv;
  const outBias = a.bias === "all" ? a.dModel : 0;
  return weights + qkvBias + outBias;
}

/** One layer's FFN: 2·d·f for a GELU MLP, 3·d·f for a gated one (SwiGLU, Shazeer 2020), plus biases. */
export function ffnParams(a: LlmArchitecture): number {
  const matrices = isGated(a.ffn) ? 3 : 2;
  const biases = a.bias === "all" ? (matrices - 1) * a.ffnDim + a.dModel : 0;
  return matrices * a.dModel * a.ffnDim + biases;
}

/** One norm: 2d for LayerNorm (gain and bias), d for RMSNorm (gain only; Zhang & Sennrich 2019). */
export function normParams(a: LlmArchitecture): number {
  return a.norm === "layernorm" ? 2 * a.dModel : a.dModel;
}

/** One transformer layer: attention, FFN and its two pre-norms. */
export function layerParams(a: LlmArchitecture): number {
  return attentionParams(a) + ffnParams(a) + 2 * normParams(a);
}

/** Embedding parameters: V·d tokens, T·d learned positions (none for rotary), and V·d more when the LM head is untied. */
export function embeddingParams(a: LlmArchitecture): number {
  const positions = a.positions === "learned" ? a.context * a.dModel : 0;
  const head = a.tiedEmbeddings ? 0 : a.vocab * a.dModel;
  return a.vocab * a.dModel + positions + head;
}

/** Non-embedding parameters (Kaplan et al. 2020's N): every layer plus the final norm. */
export function nonEmbeddingParams(a: LlmArchitecture): number {
  return a.layers * layerParams(a) + normParams(a);
}

/** Total parameters, as `sum(p.numel() for p in model.parameters())` counts them (tied weights once). */
export function totalParams(a: LlmArchitecture): number {
  return embeddingParams(a) + nonEmbeddingParams(a);
}

export function paramBreakdown(a: LlmArchitecture): ParamBreakdown {
  const embedding = embeddingParams(a);
  const nonEmbedding = nonEmbeddingParams(a);
  return { embedding, nonEmbedding, total: embedding + nonEmbedding };
}

/**
 * Parameters that take part in a matrix product per token: the non-embedding ones plus the LM head V·d
 * (a matmul whether or not it is tied to the input embedding); the embedding lookup is free. This is the
 * N of the FLOP counts (2N per token forward, Kaplan et al. 2020).
 */
export function matmulParams(a: LlmArchitecture): number {
  return nonEmbeddingParams(a) + a.vocab * a.dModel;
}
