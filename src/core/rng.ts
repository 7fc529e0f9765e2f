import { createHash } from "node:crypto";
import { xoroshiro128plusFromState } from "pure-rand/generator/xoroshiro128plus";
import { uniformInt } from "pure-rand/distribution/uniformInt";
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import type { RandomGenerator } from "pure-rand/types/RandomGenerator";

/**
 * The one seeded source of randomness in nascent. Every random choice takes an Rng.
 * Streams are derived from labels (study seed, trial number, ...) by hashing, so trial n's
 * stream does not depend on how many numbers trial n-1 drew.
 */
export class Rng {
  private constructor(private readonly gen: RandomGenerator) {}

  static derive(...labels: (string | number)[]): Rng {
    const digest = createHash("sha256").update(JSON.stringify(labels)).digest();
    const state: number[] = [0, 4, 8, 12].map((offset) => digest.readInt32LE(offset));
    if (!state.some((word) => word !== 0)) state[0] = 1; // xoroshiro's all-zero state never moves
    return new Rng(xoroshiro128plusFromState(state));
  }

  /** Uniform float in [0, 1). */
  float(): number {
    return uniformFloat64(this.gen);
  }

  /** Uniform integer in [min, max], both included. */
  int(min: number, max: number): number {
    return uniformInt(this.gen, min, max);
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error("Rng.pick: cannot pick from an empty list");
    return items[this.int(0, items.length - 1)];
  }

  /** Index drawn with probability proportional to weights (all >= 0, not all zero). */
  weightedIndex(weights: ArrayLike<number>): number {
    let total = 0;
    for (let i = 0; i < weights.length; i++) total += weights[i];
    let threshold = this.float() * total;
    for (let i = 0; i < weights.length; i++) {
      threshold -= weights[i];
      if (threshold < 0) return i;
    }
    return weights.length - 1;
  }

  /** Standard normal draw (Box-Muller). */
  normal(): number {
    const u = 1 - this.float();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.float());
  }

  /** A child stream, independent of how much this one is used afterwards. */
  fork(label: string | number): Rng {
    return Rng.derive("fork", ...this.gen.getState(), label);
  }
}
