import { ConfigError, allIssues } from "../../core/errors.js";
import { describe } from "../../core/json.js";
import { suggestion } from "../../core/registry.js";
import { isPlainObject } from "../space.js";

/** The feed-forward block: a GELU MLP (GPT-2) or a gated one, SwiGLU (Shazeer 2020; Llama) or GeGLU (Gemma). */
export type FfnKind = "gelu" | "swiglu" | "geglu";
export type NormKind = "layernorm" | "rmsnorm";
export type PositionKind = "learned" | "rotary";
/** Which linear layers carry a bias: none (Llama), q/k/v only (Qwen2), or all linear layers and norms (GPT-2). */
export type BiasKind = "none" | "qkv" | "all";

/**
 * A decoder-only transformer, every dimension resolved: what the cost functions take. Shapes follow the
 * usual notation: L layers, d = dModel, H query heads, H_kv key/value heads (H_kv = H is MHA, 1 is MQA,
 * between is GQA, Ainslie et al. 2023), d_h = headDim, f = ffnDim, V = vocab, T = context.
 */
export interface LlmArchitecture {
  layers: number;
  dModel: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  ffn: FfnKind;
  ffnDim: number;
  vocab: number;
  /** Longest sequence the model is built for (learned positions have this many rows). */
  context: number;
  tiedEmbeddings: boolean;
  norm: NormKind;
  bias: BiasKind;
  positions: PositionKind;
  /**
   * Sliding-window attention (Beltagy et al. 2020; Mistral, Jiang et al. 2023, Sec. 2): each token attends to at
   * most this many positions and the KV cache is a rolling buffer of this many. Absent: full causal attention.
   */
  slidingWindow?: number;
}

/** A config as the `llm` space writes it: ffnDim may be given as a multiple of dModel, headDim left out. */
export interface LlmConfig {
  layers: number;
  dModel: number;
  heads: number;
  kvHeads?: number;
  headDim?: number;
  ffn?: FfnKind;
  ffnDim?: number;
  /** f = round(ffnMult * d) to a multiple of 64 when ffnDim is not given. */
  ffnMult?: number;
  vocab: number;
  context: number;
  tiedEmbeddings?: boolean;
  norm?: NormKind;
  bias?: BiasKind;
  positions?: PositionKind;
  /** Attention window in positions (absent: the whole context). */
  slidingWindow?: number;
  /** Training tokens D (used by training FLOPs and the loss law, not by the shape). */
  tokens?: number;
}

const FFN_KINDS: readonly FfnKind[] = ["gelu", "swiglu", "geglu"];
const NORM_KINDS: readonly NormKind[] = ["layernorm", "rmsnorm"];
const BIAS_KINDS: readonly BiasKind[] = ["none", "qkv", "all"];
const POSITION_KINDS: readonly PositionKind[] = ["learned", "rotary"];

/** Whether the FFN has a gate projection (three matrices instead of two). */
export const isGated = (ffn: FfnKind): boolean => ffn !== "gelu";

/** Every key an llm config may hold (the fields an `llm` space may search). */
export const LLM_CONFIG_KEYS = ["layers", "dModel", "heads", "kvHeads", "headDim", "ffn", "ffnDim", "ffnMult", "vocab", "context", "tiedEmbeddings", "norm", "bias", "positions", "slidingWindow", "tokens"] as const;

/**
 * Every validity problem of a config, one issue each, or null: an object with only `LLM_CONFIG_KEYS` (an
 * unknown key is named, with the nearest known one), every size a positive integer, heads dividing dModel
 * unless headDim is given, kvHeads dividing heads, the kinds among their choices.
 */
export function llmConfigProblem(config: LlmConfig, path = ""): ConfigError | null {
  const at = (field: string) => (path ? `${path}.${field}` : field);
  if (!isPlainObject(config)) return new ConfigError(path, `expected an llm config object, got ${describe(config)}`, "invalid_type");
  const problems: ConfigError[] = [];
  for (const key of Object.keys(config)) {
    if (!(LLM_CONFIG_KEYS as readonly string[]).includes(key)) {
      problems.push(new ConfigError(at(key), `unknown field${suggestion(key, LLM_CONFIG_KEYS)} (expected ${LLM_CONFIG_KEYS.join(", ")})`, "unrecognized_key"));
    }
  }
  let sizesValid = true;
  for (const field of ["layers", "dModel", "heads", "vocab", "context", "kvHeads", "headDim", "ffnDim", "slidingWindow"] as const) {
    const value = config[field];
    if (value === undefined && ["kvHeads", "headDim", "ffnDim", "slidingWindow"].includes(field)) continue;
    if (!Number.isInteger(value) || (value as number) < 1) {
      problems.push(new ConfigError(at(field), `expected a positive integer, got ${describe(value)}`, value === undefined ? "missing" : "invalid_value"));
      sizesValid = false;
    }
  }
  if (config.ffnMult !== undefined && !(typeof config.ffnMult === "number" && config.ffnMult > 0)) problems.push(new ConfigError(at("ffnMult"), `expected a positive number, got ${describe(config.ffnMult)}`));
  if (config.tokens !== undefined && !(typeof config.tokens === "number" && config.tokens > 0)) problems.push(new ConfigError(at("tokens"), `expected a positive number of training tokens, got ${describe(config.tokens)}`));
  if (config.tiedEmbeddings !== undefined && typeof config.tiedEmbeddings !== "boolean") problems.push(new ConfigError(at("tiedEmbeddings"), `expected true or false, got ${describe(config.tiedEmbeddings)}`, "invalid_type"));
  // The divisibility rules only mean something between valid sizes.
  if (sizesValid) {
    if (config.headDim === undefined && config.dModel % config.heads !== 0) {
      problems.push(new ConfigError(at("heads"), `${config.heads} heads do not divide dModel ${config.dModel} (give headDim, or choose heads dividing dModel)`));
    }
    const kvHeads = config.kvHeads ?? config.heads;
    if (kvHeads > config.heads || config.heads % kvHeads !== 0) {
      problems.push(new ConfigError(at("kvHeads"), `${kvHeads} key/value heads do not divide ${config.heads} query heads (GQA groups must be equal)`));
    }
  }
  const choices: [keyof LlmConfig, readonly string[]][] = [["ffn", FFN_KINDS], ["norm", NORM_KINDS], ["bias", BIAS_KINDS], ["positions", POSITION_KINDS]];
  for (const [field, allowed] of choices) {
    const value = config[field];
    if (value !== undefined && !allowed.includes(value as string)) problems.push(new ConfigError(at(field), `expected one of ${allowed.join(", ")}, got ${JSON.stringify(value)}`));
  }
  return allIssues(problems);
}

/**
 * Resolves a config to a full architecture. Defaults are Llama's conventions (SwiGLU with f = 8d/3 rounded up
 * to 256, RMSNorm, no biases, rotary positions, untied embeddings, MHA). Throws ConfigError on an invalid config.
 */
export function resolveArchitecture(config: LlmConfig): LlmArchitecture {
  const problem = llmConfigProblem(config);
  if (problem) throw problem;
  const ffn = config.ffn ?? "swiglu";
  const ffnDim = config.ffnDim ?? defaultFfnDim(config.dModel, ffn, config.ffnMult);
  return {
    layers: config.layers,
    dModel: config.dModel,
    heads: config.heads,
    kvHeads: config.kvHeads ?? config.heads,
    headDim: config.headDim ?? config.dModel / config.heads,
    ffn,
    ffnDim,
    vocab: config.vocab,
    context: config.context,
    tiedEmbeddings: config.tiedEmbeddings ?? false,
    norm: config.norm ?? "rmsnorm",
    bias: config.bias ?? "none",
    positions: config.positions ?? "rotary",
    ...(config.slidingWindow === undefined ? {} : { slidingWindow: config.slidingWindow }),
  };
}

/**
 * The FFN width: `mult * d` rounded to a multiple of 64 when a multiple is given; otherwise 4d for a GELU
 * MLP and Llama's 2/3 * 4d rounded up to a multiple of 256 for gated FFNs (Touvron et al. 2023, same FLOPs).
 */
export function defaultFfnDim(dModel: number, ffn: FfnKind, mult?: number): number {
  if (mult !== undefined) return Math.max(64, Math.round((mult * dModel) / 64) * 64);
  if (!isGated(ffn)) return 4 * dModel;
  return Math.ceil((8 * dModel) / 3 / 256) * 256;
}
