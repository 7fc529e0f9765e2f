import { NascentError } from "../../core/errors.js";
import type { LlmConfig } from "../../space/builtin/llm-architecture.js";

/** The `model_type`s whose Hugging Face `config.json` nascent reads, each with its architecture's conventions. */
export const HF_MODEL_TYPES = ["llama", "mistral", "qwen2", "gemma", "gpt2"] as const;

type HfJson = Record<string, unknown>;

function field(json: HfJson, key: string, fallback?: number): number {
  const value = json[key];
  if (value === undefined || value === null) {
    if (fallback !== undefined) return fallback;
    throw new NascentError(`config.json: missing "${key}" (model_type ${String(json.model_type)})`);
  }
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) throw new NascentError(`config.json: "${key}" must be a positive integer, got ${JSON.stringify(value)}`);
  return value;
}

const flag = (json: HfJson, key: string, fallback: boolean): boolean => (typeof json[key] === "boolean" ? (json[key] as boolean) : fallback);

/** True for a JSON object that looks like a Hugging Face `config.json` rather than an `llm` space config. */
export function isHfConfig(json: unknown): json is HfJson {
  return typeof json === "object" && json !== null && "model_type" in json;
}

/**
 * An `llm` config from a Hugging Face `config.json`, following each `transformers` modeling file:
 * llama/mistral (`LlamaForCausalLM`: SwiGLU, RMSNorm, rotary, no biases unless `attention_bias`, untied unless
 * `tie_word_embeddings`); qwen2 (as Llama plus q/k/v biases); gemma (GeGLU, explicit `head_dim`, tied);
 * gpt2 (`GPT2LMHeadModel`: GELU MLP of `n_inner` or 4d, LayerNorm, biases everywhere, learned positions, tied).
 * mistral's `sliding_window` (null: none) bounds the attention and the KV cache (`hfConfigWarnings` names
 * qwen2's, which applies to some layers only and is not modelled).
 */
export function fromHfConfig(json: HfJson): LlmConfig {
  const type = json.model_type;
  switch (type) {
    case "gpt2": {
      const d = field(json, "n_embd");
      return {
        layers: field(json, "n_layer"),
        dModel: d,
        heads: field(json, "n_head"),
        ffn: "gelu",
        ffnDim: field(json, "n_inner", 4 * d),
        vocab: field(json, "vocab_size"),
        context: field(json, "n_positions"),
        tiedEmbeddings: flag(json, "tie_word_embeddings", true),
        norm: "layernorm",
        bias: "all",
        positions: "learned",
      };
    }
    case "llama":
    case "mistral":
    case "qwen2":
    case "gemma": {
      if (json.attention_bias === true || json.mlp_bias === true) throw new NascentError(`config.json: attention_bias/mlp_bias = true is not modelled for ${type}`);
      const heads = field(json, "num_attention_heads");
      const config: LlmConfig = {
        layers: field(json, "num_hidden_layers"),
        dModel: field(json, "hidden_size"),
        heads,
        kvHeads: field(json, "num_key_value_heads", heads),
        ffn: type === "gemma" ? "geglu" : "swiglu",
        ffnDim: field(json, "intermediate_size"),
        vocab: field(json, "vocab_size"),
        context: field(json, "max_position_embeddings"),
        tiedEmbeddings: flag(json, "tie_word_embeddings", type === "gemma"),
        norm: "rmsnorm",
        bias: type === "qwen2" ? "qkv" : "none",
        positions: "rotary",
      };
      if (json.head_dim !== undefined && json.head_dim !== null) config.headDim = field(json, "head_dim");
      if (type === "mistral" && json.sliding_window !== undefined && json.sliding_window !== null) config.slidingWindow = field(json, "sliding_window");
      return config;
    }
    default:
      throw new NascentError(`config.json: model_type ${JSON.stringify(type)} is not supported (expected ${HF_MODEL_TYPES.join(", ")})`);
  }
}

/**
 * What `fromHfConfig` reads but does not model, one line each: qwen2's `use_sliding_window` (transformers windows
 * only the layers from `max_window_layers` up; nascent counts full attention in every layer, an upper bound).
 */
export function hfConfigWarnings(json: HfJson): string[] {
  const warnings: string[] = [];
  if (json.model_type === "qwen2" && json.use_sliding_window === true) {
    warnings.push(`config.json: qwen2 use_sliding_window (window ${String(json.sliding_window)} from layer ${String(json.max_window_layers)}) is ignored: attention and KV cache are counted over the full context`);
  }
  return warnings;
}
