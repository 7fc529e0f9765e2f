import { ConfigError, allIssues } from "../core/errors.js";
import { describe } from "../core/json.js";
import type { Rng } from "../core/rng.js";
import { Space, indexPath, product, type SpaceJson, type Suggest, fieldPath } from "./space.js";
import { registerSpaceKind } from "./kinds.js";

/** A variable-length list of independently decided items (e.g. the blocks of a stage). */
export class RepeatSpace<T> extends Space<T[]> {
  constructor(
    readonly item: Space<T>,
    readonly min: number,
    readonly max: number,
  ) {
    super();
    if (!Number.isInteger(min) || !Number.isInteger(max) || min < 0 || min > max) {
      throw new ConfigError("", `repeat needs integers 0 <= min <= max, got min ${min}, max ${max}`);
    }
  }

  private get variableLength(): boolean {
    return this.max > this.min;
  }

  sample(rng: Rng): T[] {
    const length = rng.int(this.min, this.max);
    return Array.from({ length }, () => this.item.sample(rng));
  }

  check(value: unknown, path: string): ConfigError | null {
    if (!Array.isArray(value)) return new ConfigError(path, `expected a list, got ${describe(value)}`, "invalid_type");
    const problems: (ConfigError | null)[] = [];
    if (value.length < this.min || value.length > this.max) {
      problems.push(new ConfigError(path, `has ${value.length} items, expected ${this.min === this.max ? this.min : `${this.min} to ${this.max}`}`, "invalid_length"));
    }
    for (let i = 0; i < value.length; i++) problems.push(this.item.check(value[i], indexPath(path, i)));
    return allIssues(problems);
  }

  size(): number {
    const per = this.item.size();
    let total = 0;
    for (let length = this.min; length <= this.max; length++) total += per ** length;
    return total;
  }

  *enumerate(): Iterable<T[]> {
    for (let length = this.min; length <= this.max; length++) {
      yield* product(Array.from({ length }, () => () => this.item.enumerate()));
    }
  }

  defaultValue(): T[] {
    return Array.from({ length: this.min }, () => this.item.defaultValue());
  }

  decisionCount(value: T[]): number {
    return (this.variableLength ? 1 : 0) + value.reduce((n, v) => n + this.item.decisionCount(v), 0);
  }

  mutate(value: T[], rng: Rng): T[] {
    const weights = [this.variableLength ? 1 : 0, ...value.map((v) => this.item.decisionCount(v))];
    if (weights.every((w) => w === 0)) return value;
    const choice = rng.weightedIndex(weights);
    if (choice === 0) {
      const canGrow = value.length < this.max;
      const canShrink = value.length > this.min;
      if (canGrow && (!canShrink || rng.float() < 0.5)) return [...value, this.item.sample(rng)];
      return value.slice(0, -1);
    }
    const next = [...value];
    next[choice - 1] = this.item.mutate(value[choice - 1], rng);
    return next;
  }

  /** The length comes from one parent; positions both parents have are crossed, the rest copied. */
  crossover(a: T[], b: T[], rng: Rng): T[] {
    const [longer, shorter] = a.length >= b.length ? [a, b] : [b, a];
    const length = rng.float() < 0.5 ? a.length : b.length;
    return Array.from({ length }, (_, i) => (i < shorter.length ? this.item.crossover(a[i], b[i], rng) : longer[i]));
  }

  suggest(suggest: Suggest, path: string): T[] {
    const length = this.variableLength ? (suggest(`${path}.length`, { kind: "int", min: this.min, max: this.max, step: 1, log: false }) as number) : this.min;
    return Array.from({ length: Math.round(length) }, (_, i) => this.item.suggest(suggest, indexPath(path, i)));
  }

  decisions(value: T[], path: string, out: Map<string, string | number | boolean>): void {
    if (this.variableLength) out.set(`${path}.length`, value.length);
    value.forEach((item, i) => this.item.decisions(item, indexPath(path, i), out));
  }

  neighbors(value: T[]): T[][] {
    const result: T[][] = [];
    if (value.length > this.min) result.push(value.slice(0, -1));
    if (value.length < this.max) result.push([...value, value.length ? value[value.length - 1] : this.item.defaultValue()]);
    value.forEach((v, i) => {
      for (const n of this.item.neighbors(v)) result.push(value.map((old, j) => (j === i ? n : old)));
    });
    return result;
  }

  encodingLength(): number {
    return 1 + this.max * this.item.encodingLength();
  }

  encodeInto(value: T[] | undefined, out: number[]): void {
    out.push(value === undefined || !this.variableLength ? 0 : (value.length - this.min) / (this.max - this.min));
    for (let i = 0; i < this.max; i++) this.item.encodeInto(value?.[i], out);
  }

  toJson(): SpaceJson {
    return { type: "repeat", item: this.item.toJson(), min: this.min, max: this.max };
  }
}

registerSpaceKind({ type: "repeat", read: (r) => new RepeatSpace(r.space(r.json.item, fieldPath(r.path, "item")), r.num("min"), r.num("max")) });
