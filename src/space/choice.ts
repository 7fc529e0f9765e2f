import { ConfigError } from "../core/errors.js";
import { describe } from "../core/json.js";
import type { Rng } from "../core/rng.js";
import { Space, type SpaceJson, type Suggest } from "./space.js";
import { registerSpaceKind } from "./kinds.js";

export type Primitive = string | number | boolean;

/** One of a finite list of values; `noun` names the values in errors ("op", "value"). */
export class ChoiceSpace<V extends Primitive> extends Space<V> {
  constructor(
    readonly values: readonly V[],
    readonly noun = "value",
  ) {
    super();
    if (values.length === 0) throw new ConfigError("", "a choice needs at least one value");
    if (new Set(values).size !== values.length) throw new ConfigError("", `a choice has repeated values: ${describe(values)}`);
  }

  indexOf(value: V): number {
    return this.values.indexOf(value);
  }

  sample(rng: Rng): V {
    return rng.pick(this.values);
  }

  check(value: unknown, path: string): ConfigError | null {
    if (this.values.includes(value as V)) return null;
    return new ConfigError(path, `unknown ${this.noun} ${describe(value)} (expected one of ${this.values.join(", ")})`);
  }

  size(): number {
    return this.values.length;
  }

  enumerate(): Iterable<V> {
    return this.values;
  }

  defaultValue(): V {
    return this.values[0];
  }

  decisionCount(): number {
    return this.values.length > 1 ? 1 : 0;
  }

  mutate(value: V, rng: Rng): V {
    const others = this.values.filter((v) => v !== value);
    return others.length ? rng.pick(others) : value;
  }

  crossover(a: V, b: V, rng: Rng): V {
    return rng.float() < 0.5 ? a : b;
  }

  suggest(suggest: Suggest, path: string): V {
    return suggest(path, { kind: "categorical", choices: this.values }) as V;
  }

  decisions(value: V, path: string, out: Map<string, Primitive>): void {
    out.set(path, value);
  }

  neighbors(value: V): V[] {
    return this.values.filter((v) => v !== value);
  }

  encodingLength(): number {
    return this.values.length;
  }

  encodeInto(value: V | undefined, out: number[]): void {
    for (const v of this.values) out.push(v === value ? 1 : 0);
  }

  toJson(): SpaceJson {
    return { type: "choice", values: [...this.values], ...(this.noun !== "value" ? { noun: this.noun } : {}) };
  }
}

registerSpaceKind({
  type: "choice",
  read(r) {
    const values = r.json.values;
    const valid = Array.isArray(values) && values.every((v: unknown) => ["string", "number", "boolean"].includes(typeof v));
    if (!valid) r.fail("values", `expected a list of strings, numbers or booleans, got ${describe(values)}`);
    return new ChoiceSpace(values as Primitive[], typeof r.json.noun === "string" ? r.json.noun : "value");
  },
});
registerSpaceKind({ type: "bool", read: () => new ChoiceSpace<boolean>([false, true]) });
