import { LLM_CONFIG_KEYS, llmConfigProblem, type LlmConfig } from "./llm-architecture.js";
import { ConfigError, NascentError } from "../../core/errors.js";
import type { Rng } from "../../core/rng.js";
import * as s from "../dsl.js";
import { registerSpaceKind } from "../kinds.js";
import { ObjectSpace, readFields, type Shape } from "../object.js";
import { Space, type SpaceJson, type Suggest } from "../space.js";

/** Fields an `llm` space may search; the rest take `resolveArchitecture`'s defaults (Llama conventions). */
export const LLM_FIELDS = LLM_CONFIG_KEYS;
const REQUIRED = ["layers", "dModel", "heads", "vocab", "context"] as const;

const ATTEMPTS = 200;

/**
 * A decoder-only transformer space: an object space over `LLM_FIELDS` whose configs must also be valid
 * transformers (heads divide dModel unless headDim is searched, kvHeads divide heads), checked by the space
 * itself so invalid configs are reported with their path. Sampling, mutation and crossover redraw until valid
 * (up to 200 tries); `suggest` repairs kvHeads and heads to the largest valid value of their own range;
 * `size` counts the product space, valid or not (an upper bound).
 */
export class LlmSpace extends Space<LlmConfig> {
  readonly inner: ObjectSpace<Shape>;

  constructor(fields: Shape) {
    super();
    for (const key of Object.keys(fields)) {
      if (!(LLM_FIELDS as readonly string[]).includes(key)) throw new NascentError(`llm space: unknown field '${key}' (expected ${LLM_FIELDS.join(", ")})`);
    }
    for (const key of REQUIRED) if (!(key in fields)) throw new NascentError(`llm space: field '${key}' is required (a choice of one value fixes it)`);
    this.inner = new ObjectSpace(fields);
  }

  private valid(value: unknown): boolean {
    return this.inner.check(value, "") === null && llmConfigProblem(value as LlmConfig) === null;
  }

  private redraw(draw: () => unknown, what: string): LlmConfig {
    for (let i = 0; i < ATTEMPTS; i++) {
      const value = draw();
      if (this.valid(value)) return value as LlmConfig;
    }
    throw new NascentError(`llm space: no valid config after ${ATTEMPTS} ${what}s (do the heads ranges divide dModel and each other?)`);
  }

  sample(rng: Rng): LlmConfig {
    return this.redraw(() => this.inner.sample(rng), "sample");
  }

  check(value: unknown, path: string): ConfigError | null {
    return this.inner.check(value, path) ?? llmConfigProblem(value as LlmConfig, path);
  }

  size(): number {
    return this.inner.size();
  }

  *enumerate(): Iterable<LlmConfig> {
    for (const value of this.inner.enumerate()) if (this.valid(value)) yield value as unknown as LlmConfig;
  }

  defaultValue(): LlmConfig {
    const first = this.inner.defaultValue();
    if (this.valid(first)) return first as unknown as LlmConfig;
    for (const value of this.enumerate()) return value;
    throw new NascentError("llm space: no valid config");
  }

  decisionCount(value: LlmConfig): number {
    return this.inner.decisionCount(value as never);
  }

  mutate(value: LlmConfig, rng: Rng): LlmConfig {
    for (let i = 0; i < ATTEMPTS; i++) {
      const moved = this.inner.mutate(value as never, rng);
      if (this.valid(moved)) return moved as unknown as LlmConfig;
    }
    return value;
  }

  crossover(a: LlmConfig, b: LlmConfig, rng: Rng): LlmConfig {
    for (let i = 0; i < ATTEMPTS; i++) {
      const child = this.inner.crossover(a as never, b as never, rng);
      if (this.valid(child)) return child as unknown as LlmConfig;
    }
    return a;
  }

  neighbors(value: LlmConfig): LlmConfig[] {
    return (this.inner.neighbors(value as never) as unknown[]).filter((v): v is LlmConfig => this.valid(v));
  }

  suggest(suggest: Suggest, path: string): LlmConfig {
    const value = this.inner.suggest(suggest, path) as unknown as LlmConfig;
    if (this.valid(value)) return value;
    const repaired: LlmConfig = { ...value };
    const largest = (field: "heads" | "kvHeads", ok: (v: number) => boolean) => {
      const space = this.inner.fields[field];
      if (!space || !Number.isFinite(space.size())) return;
      const candidates = [...(space.enumerate() as Iterable<number>)].filter(ok);
      if (candidates.length) repaired[field] = Math.max(...candidates);
    };
    if (repaired.headDim === undefined && repaired.dModel % repaired.heads !== 0) largest("heads", (h) => h <= value.heads && repaired.dModel % h === 0);
    const kv = repaired.kvHeads ?? repaired.heads;
    if (repaired.heads % kv !== 0) largest("kvHeads", (k) => k <= repaired.heads && repaired.heads % k === 0);
    const problem = this.check(repaired, path);
    if (problem) throw problem;
    return repaired;
  }

  decisions(value: LlmConfig, path: string, out: Map<string, string | number | boolean>): void {
    this.inner.decisions(value as never, path, out);
  }

  encodingLength(): number {
    return this.inner.encodingLength();
  }

  encodeInto(value: LlmConfig | undefined, out: number[]): void {
    this.inner.encodeInto(value as never, out);
  }

  override format(value: LlmConfig): string {
    const kv = value.kvHeads !== undefined && value.kvHeads !== value.heads ? `/${value.kvHeads}kv` : "";
    const tokens = value.tokens ? ` D=${value.tokens.toExponential(2)}` : "";
    return `${value.layers}x${value.dModel} h${value.heads}${kv} V=${value.vocab} T=${value.context}${tokens}`;
  }

  toJson(): SpaceJson {
    return { type: "llm", fields: this.inner.toJson().fields };
  }
}

/**
 * The built-in `llm` space: roughly 10M to 70B parameters. Widths are multiples of 256 and heads powers of
 * two (so every head count divides every width), GQA/MQA through kvHeads, SwiGLU or GELU FFNs at 2-4x width,
 * vocabularies 8K-128K, contexts 2K-32K, and 1e9 to 2e13 training tokens.
 */
export const llmSpace = new LlmSpace({
  layers: s.int(4, 80, { step: 4 }),
  dModel: s.choice([256, 512, 768, 1024, 1536, 2048, 2560, 3072, 4096, 5120, 6144, 8192]),
  heads: s.choice([4, 8, 16, 32, 64]),
  kvHeads: s.choice([1, 2, 4, 8, 16, 32, 64]),
  ffn: s.choice(["swiglu", "gelu"]),
  ffnMult: s.choice([2, 2.75, 3.5, 4]),
  vocab: s.choice([8192, 16384, 32768, 65536, 131072]),
  context: s.choice([2048, 4096, 8192, 16384, 32768]),
  tiedEmbeddings: s.bool(),
  tokens: s.float(1e9, 2e13, { log: true }),
});

/**
 * Tiny GPT-2 style byte-level LMs that `train:text` can train in minutes on a CPU: 1-4 layers of width 32-96,
 * GELU MLP 4x, LayerNorm, biases, learned positions, untied or tied head, 64-token context, 65K-1M training tokens.
 */
export const llmTinySpace = new LlmSpace({
  layers: s.int(1, 4),
  dModel: s.choice([32, 48, 64, 96]),
  heads: s.choice([2, 4]),
  kvHeads: s.choice([1, 2, 4]),
  ffn: s.choice(["gelu"]),
  ffnMult: s.choice([4]),
  vocab: s.choice([256, 512, 1024, 2048]),
  context: s.choice([64]),
  tiedEmbeddings: s.choice([false, true]),
  norm: s.choice(["layernorm"]),
  bias: s.choice(["all"]),
  positions: s.choice(["learned"]),
  tokens: s.choice([65_536, 131_072, 262_144, 524_288, 1_048_576]),
});

registerSpaceKind({ type: "llm", read: (r) => new LlmSpace(readFields(r, "fields")) });
