import { NascentError } from "../core/errors.js";
import type { CompatibilityCoefficients } from "./genome.js";
import type { WeightMutation } from "./mutation.js";

/** NEAT's parameters; the defaults are those of Stanley & Miikkulainen 2002, Sec. 4.1. */
export interface NeatOptions {
  /** 150 in the paper (1,000 for double pole without velocities). */
  population: number;
  /** c1, c2, c3 = 1.0, 1.0, 0.4 (c3 = 3.0 for double pole without velocities). */
  compatibility: CompatibilityCoefficients;
  /** δt = 3.0 (4.0 for double pole without velocities). */
  threshold: number;
  /** Species not improving for this many generations stop reproducing: 15. */
  stagnation: number;
  /** The champion of each species with more than this many members is copied unchanged: 5. */
  eliteSpeciesSize: number;
  /** Chance that a genome's weights are mutated: 0.8; each weight is perturbed with 0.9, reset otherwise. */
  weightMutationRate: number;
  /**
   * The paper gives no perturbation size: N(0, 1) perturbations, resets uniform in ±3 and a cap of ±4 were
   * chosen by a sweep on XOR seeds 100-119 (docs/neat.md); larger steps helped XOR and hurt double pole.
   */
  weights: WeightMutation;
  /** Chance an inherited gene is disabled when disabled in either parent: 0.75. */
  disableRate: number;
  /** Fraction of offspring from mutation without crossover: 0.25. */
  mutationOnlyRate: number;
  /** Crossover children left unmutated: 0.2, the NEAT C++ release's mate_only_prob (the paper is silent). */
  mateOnlyRate: number;
  /** Interspecies mating rate: 0.001. */
  interspeciesRate: number;
  /** Add-node and add-connection probabilities: 0.03 and 0.05 (0.3 for links in the large population). */
  addNodeRate: number;
  addConnectionRate: number;
  /**
   * Fraction of each species (by fitness) allowed to reproduce. The paper eliminates "the lowest performing
   * fraction"; 0.2 is the value in Stanley's NEAT C++ release.
   */
  survivalThreshold: number;
  /**
   * When the population's best fitness has not improved for this many generations, only the two best
   * species reproduce (Sec. 4.1: "refocusing the search into the most promising spaces"); 20 in the paper,
   * 0 turns it off.
   */
  populationStagnation: number;
  /**
   * How an offspring is mutated: "independent" draws add-node, add-connection and weight mutation each at
   * its rate; "exclusive" is the NEAT C++ release's order (add-node, else add-connection, else weights).
   */
  mutationScheme: "independent" | "exclusive";
  /**
   * Genomes with fewer connection genes than this split old links first in add-node (see `addNode`): 15, as
   * in the NEAT C++ release of the paper's time; 0 splits a uniformly random link.
   */
  splitOlderBelow: number;
  /**
   * Each species' representative for the next generation's speciation: a random member (the paper, Sec. 3.3)
   * or its champion (the NEAT C++ release compares new genomes with each species' first, i.e. best, organism).
   */
  representative: "random" | "champion";
  /** Whether add-connection may create recurrent links (needed without velocities). */
  allowRecurrent: boolean;
  /** Stop after this many evaluations (a run that gets there unsolved is a failure). */
  maxEvaluations: number;
}

export const NEAT_PAPER_OPTIONS: NeatOptions = {
  population: 150,
  compatibility: { excess: 1.0, disjoint: 1.0, weight: 0.4 },
  threshold: 3.0,
  stagnation: 15,
  eliteSpeciesSize: 5,
  weightMutationRate: 0.8,
  weights: { perturbRate: 0.9, power: 1, gaussian: true, resetRange: 3, cap: 4 },
  disableRate: 0.75,
  mutationOnlyRate: 0.25,
  mateOnlyRate: 0,
  interspeciesRate: 0.001,
  addNodeRate: 0.03,
  addConnectionRate: 0.05,
  survivalThreshold: 0.2,
  populationStagnation: 20,
  mutationScheme: "independent",
  representative: "random",
  splitOlderBelow: 15,
  allowRecurrent: false,
  maxEvaluations: 100_000,
};

const fraction = (name: string, x: number) => {
  if (!(x >= 0 && x <= 1)) throw new NascentError(`NEAT option ${name} must be in [0, 1], got ${x}`);
};

/** The paper's defaults with `overrides` applied; throws on values outside their ranges. */
export function neatOptions(overrides: Partial<NeatOptions> = {}): NeatOptions {
  const o: NeatOptions = { ...NEAT_PAPER_OPTIONS, ...overrides, weights: { ...NEAT_PAPER_OPTIONS.weights, ...overrides.weights } };
  if (!(Number.isInteger(o.population) && o.population >= 2)) throw new NascentError(`NEAT option population must be an integer >= 2, got ${o.population}`);
  if (!(o.threshold > 0)) throw new NascentError(`NEAT option threshold must be > 0, got ${o.threshold}`);
  if (!(o.maxEvaluations >= 1)) throw new NascentError(`NEAT option maxEvaluations must be >= 1, got ${o.maxEvaluations}`);
  for (const name of ["weightMutationRate", "disableRate", "mutationOnlyRate", "mateOnlyRate", "interspeciesRate", "addNodeRate", "addConnectionRate", "survivalThreshold"] as const) fraction(name, o[name]);
  return o;
}
