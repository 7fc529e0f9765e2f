import type { CompatibilityCoefficients, Genome } from "./genome.js";
import { compatibilityDistance } from "./genome.js";

export interface Organism {
  genome: Genome;
  fitness: number;
}

export interface Species {
  readonly id: number;
  /** A member of the previous generation that new genomes are compared to (Sec. 3.3). */
  representative: Genome;
  members: Organism[];
  /** Best raw fitness the species ever reached, and the generation it last improved. */
  bestFitness: number;
  lastImproved: number;
}

/**
 * Speciation (Sec. 3.3): each genome joins the first species whose representative is within the
 * compatibility threshold δt, else founds a new one. Empty species disappear; each surviving species
 * then takes a random member as its representative for the next generation.
 */
export function speciate(organisms: readonly Organism[], species: Species[], threshold: number, c: CompatibilityCoefficients, nextId: () => number): Species[] {
  for (const s of species) s.members = [];
  for (const organism of organisms) {
    const home = species.find((s) => compatibilityDistance(organism.genome, s.representative, c) < threshold);
    if (home) home.members.push(organism);
    else species.push({ id: nextId(), representative: organism.genome, members: [organism], bestFitness: -Infinity, lastImproved: 0 });
  }
  return species.filter((s) => s.members.length > 0);
}

/**
 * Offspring per species under explicit fitness sharing (Sec. 3.3, Eq. 2): an organism's adjusted fitness
 * is f / |S|, so a species' share is proportional to the sum of its members' adjusted fitness, i.e. its
 * mean fitness. Species with no improvement for `stagnation` generations get none (unless they hold the
 * population's best). Rounding keeps the total exactly `population`.
 */
export function allocateOffspring(species: readonly Species[], population: number, generation: number, stagnation: number): number[] {
  const best = Math.max(...species.map((s) => s.bestFitness));
  const shares = species.map((s) => {
    const stagnant = generation - s.lastImproved >= stagnation && s.bestFitness < best;
    if (stagnant) return 0;
    return s.members.reduce((sum, m) => sum + Math.max(m.fitness, 0), 0) / s.members.length;
  });
  let total = shares.reduce((a, b) => a + b, 0);
  if (total <= 0) {
    shares.fill(1);
    total = shares.length;
  }
  const exact = shares.map((share) => (share / total) * population);
  const counts = exact.map(Math.floor);
  const order = exact.map((x, i) => ({ i, frac: x - Math.floor(x) })).sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (let k = 0, left = population - counts.reduce((a, b) => a + b, 0); k < left; k++) counts[order[k % order.length].i]++;
  return counts;
}
