import { NascentError } from "../core/errors.js";
import type { Rng } from "../core/rng.js";
import { OFA_DEPTHS, OFA_EXPANDS, OFA_KERNELS, OFA_RESOLUTIONS, type OfaConfig } from "./network.js";

/** OFA's evolution settings (Cai et al. 2020, sec. 3.3 and its EvolutionFinder). */
export interface OfaEvolutionOptions {
  population: number;
  parentRatio: number;
  mutationRatio: number;
  mutationProbability: number;
  generations: number;
}

export const OFA_EVOLUTION: OfaEvolutionOptions = { population: 100, parentRatio: 0.25, mutationRatio: 0.5, mutationProbability: 0.1, generations: 100 };

const SAMPLE_ATTEMPTS = 10_000;

export function randomConfig(rng: Rng): OfaConfig {
  return { resolution: rng.pick([...OFA_RESOLUTIONS]), stages: [0, 1, 2, 3].map(() => ({ kernel: rng.pick([...OFA_KERNELS]), expand: rng.pick([...OFA_EXPANDS]), depth: rng.pick([...OFA_DEPTHS]) })) };
}

function mutate(config: OfaConfig, p: number, rng: Rng): OfaConfig {
  return {
    resolution: rng.float() < p ? rng.pick([...OFA_RESOLUTIONS]) : config.resolution,
    stages: config.stages.map((s) => ({
      kernel: rng.float() < p ? rng.pick([...OFA_KERNELS]) : s.kernel,
      expand: rng.float() < p ? rng.pick([...OFA_EXPANDS]) : s.expand,
      depth: rng.float() < p ? rng.pick([...OFA_DEPTHS]) : s.depth,
    })),
  };
}

function crossover(a: OfaConfig, b: OfaConfig, rng: Rng): OfaConfig {
  const either = <T>(x: T, y: T) => (rng.float() < 0.5 ? x : y);
  return { resolution: either(a.resolution, b.resolution), stages: a.stages.map((s, i) => ({ kernel: either(s.kernel, b.stages[i].kernel), expand: either(s.expand, b.stages[i].expand), depth: either(s.depth, b.stages[i].depth) })) };
}

/**
 * OFA's constrained evolutionary search: a feasible random population; each generation keeps the best
 * `parentRatio` as parents and fills the rest with mutants (each choice redrawn with `mutationProbability`)
 * and uniform crossovers of two parents, redrawn until feasible. Fitness is the predicted accuracy, so no
 * sub-network is trained or even run. Returns the best config and its fitness.
 */
export function evolutionSearch(fitness: (c: OfaConfig) => number, feasible: (c: OfaConfig) => boolean, rng: Rng, options: OfaEvolutionOptions = OFA_EVOLUTION): { config: OfaConfig; fitness: number; history: number[] } {
  const draw = (make: () => OfaConfig): OfaConfig => {
    for (let i = 0; i < SAMPLE_ATTEMPTS; i++) {
      const c = make();
      if (feasible(c)) return c;
    }
    throw new NascentError(`no sub-network meets the constraint after ${SAMPLE_ATTEMPTS} draws: loosen the budget`);
  };
  const score = (c: OfaConfig) => ({ config: c, fitness: fitness(c) });
  let population = Array.from({ length: options.population }, () => score(draw(() => randomConfig(rng))));
  const parents = Math.max(1, Math.round(options.parentRatio * options.population));
  const mutants = Math.round(options.mutationRatio * options.population);
  const history: number[] = [];
  for (let g = 0; g < options.generations; g++) {
    const elite = [...population].sort((a, b) => b.fitness - a.fitness).slice(0, parents);
    history.push(elite[0].fitness);
    const children = [
      ...Array.from({ length: mutants }, () => score(draw(() => mutate(rng.pick(elite).config, options.mutationProbability, rng)))),
      ...Array.from({ length: options.population - mutants - parents }, () => score(draw(() => crossover(rng.pick(elite).config, rng.pick(elite).config, rng)))),
    ];
    population = [...elite, ...children];
  }
  const best = [...population].sort((a, b) => b.fitness - a.fitness)[0];
  return { ...best, history };
}
