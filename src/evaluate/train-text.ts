import { resolveArchitecture, type LlmArchitecture, type LlmConfig } from "../space/builtin/llm-architecture.js";
import { trainingFlops } from "../cost/llm/flops.js";
import { nonEmbeddingParams, totalParams } from "../cost/llm/params.js";
import type { CausalLmShape } from "../nn/causal-lm-shape.js";
import { readKjvBible } from "../nn/data/kjv-bible.js";
import { bpeSplits, byteLevelSplits, type TextSplits } from "../nn/data/text.js";
import { trainCausalLm } from "../nn/text-trainer.js";
import { LlmSpace } from "../space/builtin/llm.js";
import type { Space } from "../space/space.js";
import { ConfigError, NascentError } from "../core/errors.js";
import type { EvaluationContext, Evaluator, MetricInfo, Metrics } from "./evaluator.js";

export interface TrainTextOptions {
  /** Sequences per step (default 16). */
  batch?: number;
  /** Peak AdamW learning rate (default 3e-3). */
  learningRate?: number;
  /** Validate (and report to pruners) every this many training tokens (default 32,768). */
  evalTokens?: number;
  /** Validation windows (default 64). */
  evalWindows?: number;
}

/**
 * The architecture `trainCausalLm` builds, or a ConfigError naming the field it cannot build: GPT-2 blocks
 * (GELU MLP, LayerNorm, biases, learned positions; tied or untied head) over byte-level tokens (vocab 256)
 * or a byte-level BPE vocabulary learned on the training text (vocab 257..65536).
 */
export function causalLmShapeOf(a: LlmArchitecture): CausalLmShape {
  const required: [keyof LlmArchitecture, unknown][] = [["ffn", "gelu"], ["norm", "layernorm"], ["bias", "all"], ["positions", "learned"]];
  for (const [field, value] of required) if (a[field] !== value) throw new ConfigError(field, `train:text builds GPT-2 style models and needs ${field} = ${JSON.stringify(value)}, got ${JSON.stringify(a[field])}`);
  if (a.slidingWindow !== undefined && a.slidingWindow < a.context) throw new ConfigError("slidingWindow", `train:text trains full causal attention; slidingWindow ${a.slidingWindow} is under the context ${a.context}`);
  if (a.vocab < 256 || a.vocab > 65536) throw new ConfigError("vocab", `train:text needs a vocabulary of 256 (bytes) to 65536 (byte-level BPE), got ${a.vocab}`);
  return { layers: a.layers, dModel: a.dModel, heads: a.heads, kvHeads: a.kvHeads, headDim: a.headDim, ffnDim: a.ffnDim, vocab: a.vocab, context: a.context, tied: a.tiedEmbeddings };
}

const METRICS: MetricInfo[] = [
  { name: "loss", direction: "minimize", description: "validation cross-entropy, nats per byte of text (comparable across vocabularies), after the last step" },
  { name: "loss_per_token", direction: "minimize", description: "validation cross-entropy, nats per token" },
  { name: "params", direction: "minimize", description: "total parameters" },
  { name: "non_embedding_params", direction: "minimize", description: "parameters outside the embeddings" },
  { name: "tokens", direction: "minimize", description: "training tokens seen" },
  { name: "train_flops", direction: "minimize", description: "training FLOPs (6 N_m D + attention, Kaplan et al. 2020)" },
  { name: "train_seconds", direction: "minimize", description: "wall-clock training time" },
];

/** What `train:text` uses when an option is not given. */
export const TRAIN_TEXT_DEFAULTS = { batch: 16, learningRate: 3e-3, evalTokens: 32_768, evalWindows: 64 } as const;

/**
 * `train:text`: trains each `llm` config as a tiny GPT on the King James Bible (Debian's bible-kjv-text),
 * byte-level, for the config's `tokens` with a cosine schedule, and reports the validation loss every
 * `evalTokens` tokens (step k = k-th validation) so pruners work.
 */
export class TrainTextEvaluator implements Evaluator {
  readonly metrics = METRICS;
  maxStep = 1;
  private readonly data = new Map<number, TextSplits>();

  constructor(readonly options: TrainTextOptions = {}) {}

  get name(): string {
    return `train:text:batch=${this.batch},lr=${this.options.learningRate ?? TRAIN_TEXT_DEFAULTS.learningRate},eval_tokens=${this.evalTokens}`;
  }

  private get batch(): number {
    return this.options.batch ?? TRAIN_TEXT_DEFAULTS.batch;
  }

  private get evalTokens(): number {
    return this.options.evalTokens ?? TRAIN_TEXT_DEFAULTS.evalTokens;
  }

  checkSpace(space: Space<unknown>): void {
    if (!(space instanceof LlmSpace)) throw new NascentError("train:text trains llm configs; use --space llm-tiny or an llm space JSON");
    const tokens = space.inner.fields.tokens;
    if (!tokens) throw new NascentError("train:text needs a tokens field in the space (training tokens per config)");
    const values = Number.isFinite(tokens.size()) ? [...(tokens.enumerate() as Iterable<number>)] : [(tokens as unknown as { max: number }).max];
    this.maxStep = Math.ceil(Math.max(...values) / this.evalTokens);
  }

  async evaluate(config: unknown, context: EvaluationContext): Promise<Metrics> {
    const c = config as LlmConfig;
    if (c.tokens === undefined) throw new ConfigError("tokens", "train:text needs the training tokens in the config");
    const a = resolveArchitecture(c);
    const shape = causalLmShapeOf(a);
    let data = this.data.get(shape.vocab);
    if (!data) {
      data = shape.vocab === 256 ? byteLevelSplits(readKjvBible()) : bpeSplits(readKjvBible(), shape.vocab);
      this.data.set(shape.vocab, data);
    }
    const bytesPerToken = data.bytesPerToken ?? 1;
    const tokensPerStep = this.batch * shape.context;
    const steps = Math.max(1, Math.round(c.tokens / tokensPerStep));
    const evalEvery = Math.max(1, Math.round(this.evalTokens / tokensPerStep));
    const result = await trainCausalLm(shape, data, {
      steps,
      batch: this.batch,
      learningRate: this.options.learningRate ?? TRAIN_TEXT_DEFAULTS.learningRate,
      evalEvery,
      evalWindows: this.options.evalWindows ?? TRAIN_TEXT_DEFAULTS.evalWindows,
      rng: context.rng.fork("training"),
      signal: context.signal,
      onEval: async (step, loss) => {
        await context.report(Math.ceil(step / evalEvery), loss / bytesPerToken);
        return context.shouldPrune();
      },
    });
    return {
      loss: result.validationLoss / bytesPerToken,
      loss_per_token: result.validationLoss,
      params: totalParams(a),
      non_embedding_params: nonEmbeddingParams(a),
      tokens: result.tokens,
      train_flops: trainingFlops(a, result.tokens),
      train_seconds: result.seconds,
    };
  }
}
