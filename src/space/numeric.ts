import { ConfigError } from "../core/errors.js";
import { describe } from "../core/json.js";
import type { Rng } from "../core/rng.js";
import { Space, type SpaceJson, type Suggest } from "./space.js";
import { registerSpaceKind } from "./kinds.js";

export interface NumericOptions {
  /** Sample and encode on a log scale (bounds must be > 0). */
  log?: boolean;
}

/** Maps [min, max] to [0, 1], on a log scale if asked; shared by ints and floats. */
class UnitScale {
  constructor(
    readonly min: number,
    readonly max: number,
    readonly log: boolean,
  ) {
    if (!(Number.isFinite(min) && Number.isFinite(max)) || min > max) {
      throw new ConfigError("", `bounds must be finite numbers with min <= max, got [${min}, ${max}]`);
    }
    if (log && min <= 0) throw new ConfigError("", `a log-scale range needs min > 0, got ${min}`);
    // Wider than the largest double: uniform sampling (min + u * width) would give Infinity or null.
    if (!log && !Number.isFinite(max - min)) throw new ConfigError("", `range [${min}, ${max}] is wider than the largest double (${Number.MAX_VALUE}); narrow it or use log: true`);
  }

  toUnit(value: number): number {
    if (this.max === this.min) return 0;
    return this.log
      ? (Math.log(value) - Math.log(this.min)) / (Math.log(this.max) - Math.log(this.min))
      : (value - this.min) / (this.max - this.min);
  }

  fromUnit(unit: number): number {
    const u = Math.min(1, Math.max(0, unit));
    return this.log
      ? Math.exp(Math.log(this.min) + u * (Math.log(this.max) - Math.log(this.min)))
      : this.min + u * (this.max - this.min);
  }
}

/** Relative step (in unit scale) used for neighbours of continuous values and mutation noise. */
const UNIT_STEP = 0.05;
const MUTATION_SD = 0.1;

/** What ints and floats share: a [min, max] range, possibly on a log scale, decided as one number. */
abstract class RangeSpace extends Space<number> {
  protected readonly scale: UnitScale;

  constructor(
    readonly min: number,
    readonly max: number,
    log: boolean,
  ) {
    super();
    this.scale = new UnitScale(min, max, log);
  }

  defaultValue(): number {
    return this.min;
  }

  decisionCount(): number {
    return this.max > this.min ? 1 : 0;
  }

  crossover(a: number, b: number, rng: Rng): number {
    return rng.float() < 0.5 ? a : b;
  }

  decisions(value: number, path: string, out: Map<string, string | number | boolean>): void {
    out.set(path, value);
  }

  encodingLength(): number {
    return 1;
  }

  encodeInto(value: number | undefined, out: number[]): void {
    out.push(value === undefined ? 0 : this.scale.toUnit(value));
  }
}

export interface IntOptions extends NumericOptions {
  step?: number;
}

export class IntSpace extends RangeSpace {
  readonly step: number;

  constructor(min: number, max: number, options: IntOptions = {}) {
    super(min, max, options.log ?? false);
    this.step = options.step ?? 1;
    if (!Number.isInteger(min) || !Number.isInteger(max)) throw new ConfigError("", `int bounds must be integers, got [${min}, ${max}]`);
    // Past 2^53 doubles skip integers, so neither the values nor the count of steps would be exact.
    if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || !Number.isSafeInteger(max - min)) {
      throw new ConfigError("", `int range [${min}, ${max}] goes past ±${Number.MAX_SAFE_INTEGER} (2^53 - 1), where integers are no longer exact; use a float`);
    }
    if (!Number.isInteger(this.step) || this.step < 1) throw new ConfigError("", `int step must be a positive integer, got ${this.step}`);
    if ((max - min) % this.step !== 0) throw new ConfigError("", `int range [${min}, ${max}] is not a whole number of steps of ${this.step}`);
  }

  private snap(value: number): number {
    const steps = Math.round((value - this.min) / this.step);
    return Math.min(this.max, Math.max(this.min, this.min + steps * this.step));
  }

  sample(rng: Rng): number {
    if (!this.scale.log) return this.min + this.step * rng.int(0, (this.max - this.min) / this.step);
    // Log-uniform over the continuous range, then snapped: small values are denser, as in Optuna.
    return this.snap(this.scale.fromUnit(rng.float()));
  }

  check(value: unknown, path: string): ConfigError | null {
    if (typeof value !== "number" || !Number.isInteger(value)) return new ConfigError(path, `expected an integer, got ${describe(value)}`, "invalid_type");
    if (value < this.min || value > this.max) return new ConfigError(path, `${value} is outside [${this.min}, ${this.max}]`, "out_of_range");
    if ((value - this.min) % this.step !== 0) return new ConfigError(path, `${value} is not on the grid ${this.min} + k*${this.step}`, "not_on_grid");
    return null;
  }

  size(): number {
    return (this.max - this.min) / this.step + 1;
  }

  *enumerate(): Iterable<number> {
    for (let v = this.min; v <= this.max; v += this.step) yield v;
  }

  mutate(value: number, rng: Rng): number {
    if (this.max === this.min) return value;
    const moved = this.snap(this.scale.fromUnit(this.scale.toUnit(value) + MUTATION_SD * rng.normal()));
    if (moved !== value) return moved;
    const direction = value === this.max ? -1 : value === this.min ? 1 : rng.pick([-1, 1]);
    return value + direction * this.step;
  }

  suggest(suggest: Suggest, path: string): number {
    return this.snap(suggest(path, { kind: "int", min: this.min, max: this.max, step: this.step, log: this.scale.log }) as number);
  }

  neighbors(value: number): number[] {
    return [value - this.step, value + this.step].filter((v) => v >= this.min && v <= this.max);
  }

  toJson(): SpaceJson {
    return { type: "int", min: this.min, max: this.max, ...(this.step !== 1 ? { step: this.step } : {}), ...(this.scale.log ? { log: true } : {}) };
  }
}

export interface FloatOptions extends NumericOptions {
  /** Points per axis when a grid search enumerates this float; without it the float cannot be enumerated. */
  gridPoints?: number;
}

export class FloatSpace extends RangeSpace {
  constructor(
    min: number,
    max: number,
    readonly options: FloatOptions = {},
  ) {
    super(min, max, options.log ?? false);
    const points = options.gridPoints;
    if (points !== undefined && (!Number.isInteger(points) || points < 2)) {
      throw new ConfigError("", `gridPoints must be an integer >= 2, got ${points}`);
    }
  }

  sample(rng: Rng): number {
    return this.scale.fromUnit(rng.float());
  }

  check(value: unknown, path: string): ConfigError | null {
    if (typeof value !== "number" || !Number.isFinite(value)) return new ConfigError(path, `expected a finite number, got ${describe(value)}`, "invalid_type");
    if (value < this.min || value > this.max) return new ConfigError(path, `${value} is outside [${this.min}, ${this.max}]`, "out_of_range");
    return null;
  }

  size(): number {
    return this.options.gridPoints ?? Infinity;
  }

  *enumerate(): Iterable<number> {
    const points = this.options.gridPoints;
    if (points === undefined) throw new ConfigError("", "a continuous float cannot be enumerated; give it { gridPoints: n }");
    for (let i = 0; i < points; i++) yield this.scale.fromUnit(i / (points - 1));
  }

  mutate(value: number, rng: Rng): number {
    if (this.max === this.min) return value;
    const unit = this.scale.toUnit(value) + MUTATION_SD * rng.normal();
    // Reflect at the bounds so mutation keeps its spread near the edges.
    const reflected = unit < 0 ? -unit : unit > 1 ? 2 - unit : unit;
    return this.scale.fromUnit(reflected);
  }

  suggest(suggest: Suggest, path: string): number {
    const value = suggest(path, { kind: "float", min: this.min, max: this.max, log: this.scale.log }) as number;
    return Math.min(this.max, Math.max(this.min, value));
  }

  neighbors(value: number): number[] {
    const unit = this.scale.toUnit(value);
    return [unit - UNIT_STEP, unit + UNIT_STEP].filter((u) => u >= 0 && u <= 1).map((u) => this.scale.fromUnit(u));
  }

  toJson(): SpaceJson {
    return {
      type: "float",
      min: this.min,
      max: this.max,
      ...(this.scale.log ? { log: true } : {}),
      ...(this.options.gridPoints !== undefined ? { gridPoints: this.options.gridPoints } : {}),
    };
  }
}

registerSpaceKind({ type: "int", read: (r) => new IntSpace(r.num("min"), r.num("max"), { step: r.optionalNum("step"), log: r.flag("log") }) });
registerSpaceKind({ type: "float", read: (r) => new FloatSpace(r.num("min"), r.num("max"), { log: r.flag("log"), gridPoints: r.optionalNum("gridPoints") }) });
