import { ConfigError, NascentError, allIssues, type ConfigIssue } from "../core/errors.js";
import { describe } from "../core/json.js";
import type { Rng } from "../core/rng.js";
import { Space, fieldPath, isPlainObject, product, type Infer, type SpaceJson, type Suggest } from "./space.js";
import { registerSpaceKind, type SpaceJsonReader } from "./kinds.js";

export type Shape = Record<string, Space<unknown>>;
export type InferShape<S extends Shape> = { [K in keyof S]: Infer<S[K]> };

/** A record of named sub-spaces, each decided independently. */
export class ObjectSpace<S extends Shape> extends Space<InferShape<S>> {
  readonly keys: (keyof S & string)[];

  constructor(readonly fields: S) {
    super();
    this.keys = Object.keys(fields);
  }

  private build(values: unknown[]): InferShape<S> {
    return Object.fromEntries(this.keys.map((k, i) => [k, values[i]])) as InferShape<S>;
  }

  sample(rng: Rng): InferShape<S> {
    return this.build(this.keys.map((k) => this.fields[k].sample(rng)));
  }

  check(value: unknown, path: string): ConfigError | null {
    return checkFields(this.fields, value, path, []);
  }

  size(): number {
    return this.keys.reduce((n, k) => n * this.fields[k].size(), 1);
  }

  *enumerate(): Iterable<InferShape<S>> {
    for (const values of product(this.keys.map((k) => () => this.fields[k].enumerate()))) yield this.build(values);
  }

  defaultValue(): InferShape<S> {
    return this.build(this.keys.map((k) => this.fields[k].defaultValue()));
  }

  decisionCount(value: InferShape<S>): number {
    return this.keys.reduce((n, k) => n + this.fields[k].decisionCount(value[k]), 0);
  }

  mutate(value: InferShape<S>, rng: Rng): InferShape<S> {
    const weights = this.keys.map((k) => this.fields[k].decisionCount(value[k]));
    if (weights.every((w) => w === 0)) return value;
    const key = this.keys[rng.weightedIndex(weights)];
    return { ...value, [key]: this.fields[key].mutate(value[key], rng) };
  }

  crossover(a: InferShape<S>, b: InferShape<S>, rng: Rng): InferShape<S> {
    return this.build(this.keys.map((k) => this.fields[k].crossover(a[k], b[k], rng)));
  }

  suggest(suggest: Suggest, path: string): InferShape<S> {
    return this.build(this.keys.map((k) => this.fields[k].suggest(suggest, fieldPath(path, k))));
  }

  decisions(value: InferShape<S>, path: string, out: Map<string, string | number | boolean>): void {
    for (const k of this.keys) this.fields[k].decisions(value[k], fieldPath(path, k), out);
  }

  neighbors(value: InferShape<S>): InferShape<S>[] {
    return this.keys.flatMap((k) => this.fields[k].neighbors(value[k]).map((v) => ({ ...value, [k]: v })));
  }

  encodingLength(): number {
    return this.keys.reduce((n, k) => n + this.fields[k].encodingLength(), 0);
  }

  encodeInto(value: InferShape<S> | undefined, out: number[]): void {
    for (const k of this.keys) this.fields[k].encodeInto(value?.[k], out);
  }

  toJson(): SpaceJson {
    return { type: "object", fields: Object.fromEntries(this.keys.map((k) => [k, this.fields[k].toJson()])) };
  }
}

/** Checks `value` is an object holding exactly `fields` (plus the `allowed` extra keys). */
export function checkFields(fields: Shape, value: unknown, path: string, allowed: string[]): ConfigError | null {
  if (!isPlainObject(value)) return new ConfigError(path, `expected an object, got ${describe(value)}`, "invalid_type");
  const problems: (ConfigError | null)[] = [];
  for (const key of Object.keys(fields)) {
    if (!(key in value)) problems.push(new ConfigError(fieldPath(path, key), "missing", "missing"));
    else problems.push(fields[key].check(value[key], fieldPath(path, key)));
  }
  for (const key of Object.keys(value)) {
    if (!(key in fields) && !allowed.includes(key)) {
      problems.push(new ConfigError(fieldPath(path, key), `unexpected field (expected only ${[...allowed, ...Object.keys(fields)].join(", ")})`, "unrecognized_key"));
    }
  }
  return allIssues(problems);
}

/** The fields of an object space's JSON, each read back as a space; the problems of every field are reported together. */
export function readFields(r: SpaceJsonReader, field: string): Shape {
  const at = fieldPath(r.path, field);
  const issues: ConfigIssue[] = [];
  const fields = Object.entries(r.record(field)).flatMap(([name, f]): [string, Space<unknown>][] => {
    try {
      return [[name, r.space(f, fieldPath(at, name))]];
    } catch (error) {
      if (!(error instanceof NascentError)) throw error;
      // A nested error already names its path in its message.
      issues.push(...(error instanceof ConfigError ? error.issues : [{ path: "", code: "invalid_value" as const, message: error.message }]));
      return [];
    }
  });
  if (issues.length) throw ConfigError.of(issues);
  return Object.fromEntries(fields);
}

registerSpaceKind({ type: "object", read: (r) => new ObjectSpace(readFields(r, "fields")) });
