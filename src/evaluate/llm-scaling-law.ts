import { resolveArchitecture, type LlmConfig } from "../space/builtin/llm-architecture.js";
import { DEVICES, resolveDevice, type Device } from "../cost/llm/devices.js";
import { trainingFlops } from "../cost/llm/flops.js";
import { DTYPES, inferenceMemoryBytes, kvCacheBytes, computeDtype, parseDtype, type Dtype } from "../cost/llm/memory.js";
import { nonEmbeddingParams, totalParams } from "../cost/llm/params.js";
import { servingEstimate } from "../cost/llm/roofline.js";
import { predictLoss, resolveLaw, type ChinchillaLaw } from "../cost/llm/scaling-law.js";
import { LlmSpace } from "../space/builtin/llm.js";
import type { Space } from "../space/space.js";
import { NascentError } from "../core/errors.js";
import type { OptionDoc } from "../core/registry.js";
import type { EvaluationContext, Evaluator, MetricInfo, Metrics } from "./evaluator.js";

export interface LlmScalingLawOptions {
  law: ChinchillaLaw;
  /** Weights' dtype for memory and latency (default bf16). */
  dtype: Dtype;
  /** Sequences served at once (default 1). */
  batch: number;
  /** Context for memory and latency; default: each config's own context. */
  context?: number;
  /** For spaces without a `tokens` field: D = this x N (Hoffmann et al.'s ~20). */
  tokensPerParam?: number;
  /** Devices with a latency metric each (default: every built-in device). */
  devices: Device[];
}

const GB = 1e9;

/**
 * Scores `llm` configs analytically, in microseconds: the loss a Chinchilla law predicts for (total params,
 * tokens), training FLOPs, inference memory and KV cache at the batch and context, and the roofline decode
 * latency on each device (`latency:<device>`, ms per token). Name: `llm:scaling-law[:key=value,...]` with keys
 * law (hoffmann, besiroglu, fit:PATH), dtype, batch, context, tokens_per_param and devices (a+b+...).
 */
export class LlmScalingLawEvaluator implements Evaluator {
  readonly metrics: MetricInfo[];

  constructor(
    readonly name: string,
    readonly options: LlmScalingLawOptions,
  ) {
    this.metrics = [
      { name: "loss", direction: "minimize", description: `loss predicted by the ${options.law.name} law at (total params, tokens), nats/token` },
      { name: "params", direction: "minimize", description: "total parameters" },
      { name: "non_embedding_params", direction: "minimize", description: "parameters outside embeddings and LM head" },
      { name: "tokens", direction: "minimize", description: "training tokens D" },
      { name: "train_flops", direction: "minimize", description: "training FLOPs: 6 N_matmul D + 6 L T d_attn D (Kaplan et al. 2020)" },
      { name: "memory_gb", direction: "minimize", description: `inference memory in GB (1e9 bytes): ${options.dtype} weights + KV cache at batch ${options.batch}` },
      { name: "kv_cache_gb", direction: "minimize", description: "KV-cache GB at the batch and context" },
      ...options.devices.map((d): MetricInfo => ({ name: `latency:${d.name}`, direction: "minimize", description: `roofline decode ms per token on ${d.description}` })),
    ];
  }

  checkSpace(space: Space<unknown>): void {
    if (!(space instanceof LlmSpace)) throw new NascentError(`${this.name} scores llm configs; use --space llm or an llm space JSON ({"type": "llm", "fields": {...}})`);
    if (!("tokens" in space.inner.fields) && this.options.tokensPerParam === undefined) throw new NascentError(`${this.name}: the space has no tokens field; add one or give tokens_per_param=R`);
  }

  async evaluate(config: unknown): Promise<Metrics> {
    return this.score(config as LlmConfig);
  }

  score(config: LlmConfig): Metrics {
    const a = resolveArchitecture(config);
    const params = totalParams(a);
    const tokens = config.tokens ?? params * (this.options.tokensPerParam as number);
    const context = this.options.context ?? a.context;
    const { dtype, batch } = this.options;
    const metrics: Metrics = {
      loss: predictLoss(this.options.law, params, tokens),
      params,
      non_embedding_params: nonEmbeddingParams(a),
      tokens,
      train_flops: trainingFlops(a, tokens),
      memory_gb: inferenceMemoryBytes(a, dtype, context, batch) / GB,
      kv_cache_gb: kvCacheBytes(a, computeDtype(dtype), context, batch) / GB,
    };
    for (const device of this.options.devices) metrics[`latency:${device.name}`] = servingEstimate(a, device, { dtype, batch, context }).decodeSecondsPerToken * 1000;
    return metrics;
  }
}

/** The `key=value` options of `llm:scaling-law:...`, for `nascent list evaluators` and the parser alike. */
export const LLM_EVALUATOR_OPTIONS: readonly OptionDoc[] = [
  { name: "law", type: "hoffmann, besiroglu or fit:PATH", default: "hoffmann", description: "the loss law L(N, D) (else --law)" },
  { name: "dtype", type: `one of ${DTYPES.join(", ")}`, default: "bf16", description: "weights' dtype for memory and latency" },
  { name: "batch", type: "positive number", default: 1, description: "sequences served at once" },
  { name: "context", type: "positive number", default: undefined, description: "context for memory and latency (default: each config's own)" },
  { name: "tokens_per_param", type: "positive number", default: undefined, description: "D = R x N for spaces without a tokens field (Hoffmann et al.: about 20)" },
  { name: "devices", type: "device names or JSON files joined by +", default: undefined, description: "a latency:<device> metric each (default: every built-in device)" },
];

/** Parses `llm:scaling-law[:key=value,...]`; `law` (from --law) is used when the name gives none. */
export function resolveLlmEvaluator(name: string, defaults: { law?: string } = {}): LlmScalingLawEvaluator {
  const [kind, rest] = [name.split(":").slice(0, 2).join(":"), name.split(":").slice(2).join(":")];
  if (kind !== "llm:scaling-law") throw new NascentError(`unknown evaluator '${name}' (expected llm:scaling-law[:law=hoffmann,dtype=bf16,batch=1,context=8192,tokens_per_param=20,devices=l4+a100-80gb])`);
  const settings = new Map<string, string>();
  for (const part of rest ? rest.split(",") : []) {
    const [key, value] = part.split("=");
    const keys = LLM_EVALUATOR_OPTIONS.map((o) => o.name);
    if (!value || !keys.includes(key)) throw new NascentError(`evaluator '${name}': '${part}' is not one of ${keys.map((k) => `${k}=`).join(", ")}`);
    settings.set(key, value);
  }
  const positive = (key: string): number | undefined => {
    const text = settings.get(key);
    if (text === undefined) return undefined;
    const value = Number(text);
    if (!(value > 0) || !Number.isFinite(value)) throw new NascentError(`evaluator '${name}': ${key} must be a positive number, got '${text}'`);
    return value;
  };
  const law = resolveLaw(settings.get("law") ?? defaults.law ?? "hoffmann");
  const devices = settings.has("devices") ? (settings.get("devices") as string).split("+").map(resolveDevice) : Object.values(DEVICES);
  const canonical = [`law=${law.name}`, ...[...settings].filter(([k]) => k !== "law").map(([k, v]) => `${k}=${v}`)].join(",");
  return new LlmScalingLawEvaluator(`llm:scaling-law:${canonical}`, {
    law,
    dtype: parseDtype(settings.get("dtype") ?? "bf16", `evaluator '${name}' dtype`),
    batch: positive("batch") ?? 1,
    context: positive("context"),
    tokensPerParam: positive("tokens_per_param"),
    devices,
  });
}
