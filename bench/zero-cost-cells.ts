import { nb201Space } from "../src/space/builtin/nb201.js";
import { Rng } from "../src/core/rng.js";

/** The zero-cost benches' random NB201 cells: the first `count` distinct keys sampled with Rng.derive("zero-cost-random", seed). */
export function randomNb201Cells(count: number, seed = 0): string[] {
  const rng = Rng.derive("zero-cost-random", seed);
  const keys: string[] = [];
  while (keys.length < count) {
    const key = nb201Space.key(nb201Space.sample(rng));
    if (!keys.includes(key)) keys.push(key);
  }
  return keys;
}
