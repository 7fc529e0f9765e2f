/**
 * A decoder-only transformer language model (GPT-2 style, Radford et al. 2019): token and learned position
 * embeddings, `layers` pre-norm blocks of causal multi-head attention (GQA when kvHeads < heads) and a GELU
 * MLP, a final LayerNorm and an LM head, tied to the token embedding (GPT-2) or its own matrix. Biases as GPT-2.
 */
export interface CausalLmShape {
  layers: number;
  dModel: number;
  heads: number;
  kvHeads: number;
  /** Per-head dimension (default dModel / heads); heads * headDim may differ from dModel (pruned heads). */
  headDim?: number;
  ffnDim: number;
  vocab: number;
  context: number;
  /** LM head = token embedding transposed (GPT-2); otherwise a separate [d, V] matrix. */
  tied: boolean;
}
