import { Rng } from "../core/rng.js";
import { crossover } from "./crossover.js";
import { cloneGenome, minimalGenome, type Genome } from "./genome.js";
import { InnovationTracker } from "./innovation.js";
import { addConnection, addNode, mutateWeights } from "./mutation.js";
import { NeatNetwork } from "./network.js";
import { neatOptions, type NeatOptions } from "./options.js";
import { allocateOffspring, speciate, type Organism, type Species } from "./species.js";
import type { NeatTask } from "./task.js";

export interface NeatGeneration {
  generation: number;
  evaluations: number;
  bestFitness: number;
  species: number;
  /** Hidden nodes and enabled connections of the generation's champion. */
  hidden: number;
  connections: number;
}

export interface NeatResult {
  solved: boolean;
  /** Networks evaluated up to and including the first that solved the task (or all, if none did). */
  evaluations: number;
  generations: number;
  champion: Genome;
  championFitness: number;
  history: NeatGeneration[];
}

/**
 * NeuroEvolution of Augmenting Topologies (Stanley & Miikkulainen 2002, Evolutionary Computation 10(2)).
 * Starts from the minimal genome, evaluates every network directly on `task`, speciates by compatibility
 * distance, shares fitness within species and reproduces by crossover of matching genes and mutation
 * (weights, add-connection, add-node) until a network solves the task or `maxEvaluations` is spent.
 */
export function evolveNeat(task: NeatTask, overrides: Partial<NeatOptions> = {}, seed: number | string = 0, onGeneration?: (g: NeatGeneration) => void): NeatResult {
  const o = neatOptions({ allowRecurrent: task.recurrent, ...overrides });
  const rng = Rng.derive("neat", task.name, seed);
  const shape = { inputs: task.inputs, outputs: task.outputs };
  const tracker = new InnovationTracker((task.inputs + 1) * task.outputs, task.inputs + 1 + task.outputs);
  let genomes = Array.from({ length: o.population }, () => minimalGenome(shape, rng));
  let species: Species[] = [];
  let speciesIds = 0;
  let evaluations = 0;
  const history: NeatGeneration[] = [];
  let champion: Organism = { genome: genomes[0], fitness: -Infinity };
  let populationBest = -Infinity;
  let populationImproved = 0;
  for (let generation = 0; ; generation++) {
    const organisms: Organism[] = [];
    for (const genome of genomes) {
      const result = task.evaluate(new NeatNetwork(genome));
      evaluations++;
      const organism = { genome, fitness: result.fitness };
      organisms.push(organism);
      if (organism.fitness > champion.fitness || result.solved) champion = organism;
      if (result.solved) return finish(true, generation + 1);
      if (evaluations >= o.maxEvaluations) return finish(false, generation + 1);
    }
    species = speciate(organisms, species, o.threshold, o.compatibility, () => speciesIds++);
    for (const s of species) {
      s.members.sort((a, b) => b.fitness - a.fitness);
      if (s.members[0].fitness > s.bestFitness) {
        s.bestFitness = s.members[0].fitness;
        s.lastImproved = generation;
      }
      s.representative = o.representative === "champion" ? s.members[0].genome : rng.pick(s.members).genome;
    }
    const best = organisms.reduce((a, b) => (b.fitness > a.fitness ? b : a));
    if (best.fitness > populationBest) {
      populationBest = best.fitness;
      populationImproved = generation;
    }
    const net = new NeatNetwork(best.genome);
    const record = { generation, evaluations, bestFitness: best.fitness, species: species.length, hidden: net.hiddenCount, connections: best.genome.connections.filter((c) => c.enabled).length };
    history.push(record);
    onGeneration?.(record);
    tracker.nextGeneration();
    let counts = allocateOffspring(species, o.population, generation, o.stagnation);
    if (o.populationStagnation > 0 && generation - populationImproved >= o.populationStagnation && species.length > 1) {
      counts = refocus(species, o.population);
      populationImproved = generation;
      for (const s of species) s.lastImproved = generation;
    }
    genomes = reproduce(species, counts, tracker, rng, o);
  }

  function finish(solved: boolean, generations: number): NeatResult {
    return { solved, evaluations, generations, champion: champion.genome, championFitness: champion.fitness, history };
  }
}

/** The whole population to the two species with the best members, half each (Sec. 4.1). */
function refocus(species: readonly Species[], population: number): number[] {
  const [first, second] = species.map((s, k) => ({ k, best: s.members[0].fitness })).sort((a, b) => b.best - a.best);
  const counts = species.map(() => 0);
  counts[first.k] = Math.ceil(population / 2);
  counts[second.k] = population - counts[first.k];
  return counts;
}

function reproduce(species: readonly Species[], counts: readonly number[], tracker: InnovationTracker, rng: Rng, o: NeatOptions): Genome[] {
  const next: Genome[] = [];
  species.forEach((s, k) => {
    let quota = counts[k];
    if (quota === 0) return;
    if (s.members.length > o.eliteSpeciesSize) {
      next.push(cloneGenome(s.members[0].genome));
      quota--;
    }
    const survivors = s.members.slice(0, Math.max(1, Math.ceil(s.members.length * o.survivalThreshold)));
    for (let i = 0; i < quota; i++) {
      const mom = rng.pick(survivors);
      let child: Genome;
      if (rng.float() < o.mutationOnlyRate) {
        child = cloneGenome(mom.genome);
        mutate(child, tracker, rng, o);
      } else {
        const others = rng.float() < o.interspeciesRate && species.length > 1 ? rng.pick(species.filter((x) => x !== s)).members : survivors;
        const dad = rng.pick(others);
        const [fitter, other] = dad.fitness > mom.fitness ? [dad, mom] : [mom, dad];
        child = crossover(fitter.genome, other.genome, rng, o.disableRate);
        if (rng.float() >= o.mateOnlyRate || dad === mom) mutate(child, tracker, rng, o);
      }
      next.push(child);
    }
  });
  return next;
}

function mutate(genome: Genome, tracker: InnovationTracker, rng: Rng, o: NeatOptions): void {
  if (o.mutationScheme === "exclusive") {
    if (rng.float() < o.addNodeRate) addNode(genome, tracker, rng, o.splitOlderBelow);
    else if (rng.float() < o.addConnectionRate) addConnection(genome, tracker, rng, { allowRecurrent: o.allowRecurrent, weightRange: o.weights.resetRange });
    else if (rng.float() < o.weightMutationRate) mutateWeights(genome, o.weights, rng);
    return;
  }
  if (rng.float() < o.addNodeRate) addNode(genome, tracker, rng, o.splitOlderBelow);
  if (rng.float() < o.addConnectionRate) addConnection(genome, tracker, rng, { allowRecurrent: o.allowRecurrent, weightRange: o.weights.resetRange });
  if (rng.float() < o.weightMutationRate) mutateWeights(genome, o.weights, rng);
}
