import { NascentError } from "../core/errors.js";
import { crowdingDistances, nondominatedFronts } from "../core/pareto.js";
import { sampleUnseen, type Proposal, type Strategy, type StrategyContext, type TrialView } from "./strategy.js";

export interface Nsga2Options {
  /** Trials per generation; the first generation is random. */
  population?: number;
  /** Probability that a child is a crossover of two parents rather than a copy of one. */
  crossover?: number;
}

const CHILD_ATTEMPTS = 50;
const NSGA2_NEEDS_TWO = "nsga2 needs at least two objectives (e.g. --objective accuracy --objective params:min); for one objective use evolution";

interface Member<C> {
  trial: TrialView<C>;
  rank: number;
  crowding: number;
}

/**
 * NSGA-II (Deb et al. 2002) for two or more objectives with constraint-domination (one objective is refused:
 * use evolution, whose tournaments rank by that objective directly). Trial n belongs to
 * generation floor(n / population); its parents are the elite of all earlier generations' complete trials,
 * chosen by non-dominated rank then crowding distance, picked by binary tournaments, crossed uniformly
 * decision by decision and mutated in one decision.
 */
export function nsga2(options: Nsga2Options = {}): Strategy {
  const populationSize = options.population ?? 50;
  const crossoverRate = options.crossover ?? 0.9;
  if (!Number.isInteger(populationSize) || populationSize < 2) throw new NascentError(`nsga2 population must be an integer >= 2, got ${populationSize}`);
  if (!(crossoverRate >= 0 && crossoverRate <= 1)) throw new NascentError(`nsga2 crossover must be a probability, got ${crossoverRate}`);
  const selection = parentSelection(populationSize);
  return {
    name: "nsga2",
    minObjectives: 2,
    propose<C>(context: StrategyContext<C>): Proposal<C> {
      if (context.directions.length < 2) throw new NascentError(NSGA2_NEEDS_TWO);
      const generation = Math.floor(context.trialNumber / populationSize);
      const random = (): Proposal<C> => ({ config: sampleUnseen(context) ?? context.space.sample(context.rng), note: { generation } });
      if (generation === 0) return random();
      const parents = selection.parents(generation, context.history, context.directions);
      if (parents.length < 2) return random();
      const tournament = (): Member<C> => {
        const [a, b] = [context.rng.pick(parents), context.rng.pick(parents)];
        if (a.rank !== b.rank) return a.rank < b.rank ? a : b;
        return a.crowding >= b.crowding ? a : b;
      };
      for (let attempt = 0; attempt < CHILD_ATTEMPTS; attempt++) {
        const mother = tournament().trial;
        const father = tournament().trial;
        let child = context.rng.float() < crossoverRate ? context.space.crossover(mother.config, father.config, context.rng) : mother.config;
        child = context.space.mutate(child, context.rng);
        if (!context.seen.has(context.space.key(child))) return { config: child, note: { generation, parents: [mother.number, father.number] } };
      }
      return random();
    },
  };
}

/** What a generation's parents were chosen from: the history's first `end` trials, known by their two ends. */
interface Selection {
  end: number;
  first: TrialView<unknown> | undefined;
  last: TrialView<unknown> | undefined;
  parents: Member<unknown>[];
}

/**
 * NSGA-II's parent selection, cached per generation: the parents of generation g are the elite of (parents
 * of g-1 ∪ the complete trials of g-1), O(population²) once per generation, as NSGA-II defines them. A
 * generation's parents are recomputed only when the trials numbered below it change: their count, or the
 * trial objects at the two ends of that part of the history (finished trials never change, so within one
 * study only a trial finishing late changes them, and it changes the count). Every proposal of a generation
 * then costs a binary search, not a walk over every earlier generation (bench/nsga2-cache.ts).
 * `history` must be in trial-number order, as StrategyContext gives it.
 */
function parentSelection(populationSize: number) {
  const cache: Selection[] = [];
  /** Index of the first trial numbered `number` or above. */
  const endOf = (history: readonly TrialView<unknown>[], number: number): number => {
    let lo = 0;
    let hi = history.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (history[mid].number < number) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const holds = (g: number, history: readonly TrialView<unknown>[]): boolean => {
    const cached = cache[g];
    const end = endOf(history, g * populationSize);
    return cached !== undefined && cached.end === end && cached.first === history[0] && cached.last === history[end - 1];
  };
  const parents = <C>(generation: number, history: readonly TrialView<C>[], directions: readonly ("maximize" | "minimize")[]): Member<C>[] => {
    // The newest generation whose cached parents still hold, then forward from there (no recursion: a
    // resumed study of many small generations would overflow the stack).
    let g = generation;
    while (g > 0 && !holds(g, history)) g--;
    let current = (g === 0 ? [] : cache[g].parents) as Member<C>[];
    for (let next = g + 1; next <= generation; next++) {
      const end = endOf(history, next * populationSize);
      const offspring = history.slice(endOf(history, (next - 1) * populationSize), end).filter((t) => t.state === "complete" && t.values);
      current = eliteOf([...current.map((m) => m.trial), ...offspring], populationSize, directions);
      cache[next] = { end, first: history[0], last: history[end - 1], parents: current as Member<unknown>[] };
    }
    return current;
  };
  return { parents };
}

/** The `size` best trials by non-dominated rank, then by crowding distance within the last front. */
export function eliteOf<C>(trials: readonly TrialView<C>[], size: number, directions: readonly ("maximize" | "minimize")[]): Member<C>[] {
  const points = trials.map((t) => ({ values: t.values!, violation: t.violation }));
  const elite: Member<C>[] = [];
  const fronts = nondominatedFronts(points, directions);
  for (let rank = 0; rank < fronts.length && elite.length < size; rank++) {
    const front = fronts[rank];
    const crowding = crowdingDistances(front.map((i) => points[i]));
    const members = front.map((i, k) => ({ trial: trials[i], rank, crowding: crowding[k] }));
    if (elite.length + members.length > size) members.sort((a, b) => b.crowding - a.crowding);
    elite.push(...members.slice(0, size - elite.length));
  }
  return elite;
}
