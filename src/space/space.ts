import { ConfigError, NascentError } from "../core/errors.js";
import { canonicalJson, type Json } from "../core/json.js";
import type { Rng } from "../core/rng.js";

/** One elementary decision of a config, as samplers that work decision by decision (TPE, RL) see it. */
export type ParamSpec =
  | { kind: "categorical"; choices: readonly (string | number | boolean)[] }
  | { kind: "int"; min: number; max: number; step: number; log: boolean }
  | { kind: "float"; min: number; max: number; log: boolean };

/** Answers one decision: a choice for categorical params, a number inside the range otherwise. */
export type Suggest = (path: string, param: ParamSpec) => string | number | boolean;

/** The JSON form of a space: enough to rebuild it with `spaceFromJson`. */
export type SpaceJson = { type: string; [key: string]: Json };

export const DEFAULT_GRID_LIMIT = 100_000;

/**
 * A search space whose configs have type T. Every operation a strategy needs is here, so a strategy
 * works on any space: sampling, validation, enumeration, mutation, neighbourhoods, numeric encoding
 * and a canonical key for deduplication.
 */
export abstract class Space<T> {
  /** Phantom field carrying the config type for `Infer`; never set at run time. */
  declare readonly _config: T;

  abstract sample(rng: Rng): T;

  /** The first problem with `value` as a config of this space, or null if it is one. */
  abstract check(value: unknown, path: string): ConfigError | null;

  /** The value's config, or a ConfigError naming the exact path of the problem. */
  validate(value: unknown): T {
    const problem = this.check(value, "");
    if (problem) throw problem;
    return value as T;
  }

  /** The number of distinct configs (Infinity for continuous spaces). */
  abstract size(): number;

  /** Every config, lazily; callers use `grid`, which checks the size first. */
  abstract enumerate(): Iterable<T>;

  /** Every config, refusing spaces larger than `limit`. */
  grid(limit = DEFAULT_GRID_LIMIT): T[] {
    const size = this.size();
    if (size > limit) {
      const shown = Number.isFinite(size) ? size.toExponential(2) : "infinitely many";
      throw new NascentError(
        `the space has ${shown} configurations, more than the grid limit of ${limit}; use another strategy or raise the limit`,
      );
    }
    return [...this.enumerate()];
  }

  /** A fixed, valid config: the first choice, the lower bound, the minimum length. */
  abstract defaultValue(): T;

  /** How many decisions of `value` can change; mutate picks among them uniformly. */
  abstract decisionCount(value: T): number;

  /** A copy of `value` with exactly one decision changed (unchanged if nothing can change). */
  abstract mutate(value: T, rng: Rng): T;

  /** A child taking each independent decision from one parent or the other (uniform crossover). */
  abstract crossover(a: T, b: T, rng: Rng): T;

  /** The configs one decision away from `value` (continuous decisions take a small step each way). */
  abstract neighbors(value: T): T[];

  /**
   * Builds a config by asking `suggest` for each decision in order, only for the decisions that are
   * active given the earlier answers (define-by-run, as Optuna's trial.suggest_*).
   */
  abstract suggest(suggest: Suggest, path: string): T;

  /** The active decisions of `value`, by the same paths `suggest` asks for. */
  abstract decisions(value: T, path: string, out: Map<string, string | number | boolean>): void;

  /** Length of `encode`'s vector; the same for every config of the space. */
  abstract encodingLength(): number;

  /** Writes the encoding of `value`, or zeros when `value` is undefined (an inactive sub-space). */
  abstract encodeInto(value: T | undefined, out: number[]): void;

  /** A fixed-length numeric vector for models (GP, TPE, predictors): one-hot choices, [0,1] numbers. */
  encode(value: T): number[] {
    const out: number[] = [];
    this.encodeInto(value, out);
    return out;
  }

  /**
   * The encoding predictors learn from (BANANAS, accuracy predictors): `encode` unless a kind knows a
   * better one (NB201-style cells use the path encoding, White et al. 2021).
   */
  predictorEncoding(value: T): number[] {
    return this.encode(value);
  }

  /** A canonical string: two configs are the same architecture exactly when their keys are equal. */
  key(value: T): string {
    return canonicalJson(value);
  }

  /** A short human-readable form (the NB201 string for NB201 cells). */
  format(value: T): string {
    return this.key(value);
  }

  abstract toJson(): SpaceJson;
}

export type Infer<S> = S extends Space<infer T> ? T : never;

export function fieldPath(path: string, field: string): string {
  return path ? `${path}.${field}` : field;
}

export function indexPath(path: string, index: number): string {
  return `${path}[${index}]`;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Cartesian product of per-position iterables, lazily. */
export function* product<T>(factors: (() => Iterable<T>)[]): Generator<T[]> {
  if (factors.length === 0) {
    yield [];
    return;
  }
  const [first, ...rest] = factors;
  for (const head of first()) {
    for (const tail of product(rest)) yield [head, ...tail];
  }
}
