import type { StrategyContext, TrialView } from "./strategy.js";
import { sampleUnseen } from "./strategy.js";

export interface AcquisitionSearch {
  /** Start points: the best trials' configs. */
  starts: number;
  /** Random unseen configs added to the first round of candidates. */
  randomCandidates: number;
  /** Hill-climbing steps from the best candidates. */
  steps: number;
}

/**
 * Maximises an acquisition function over unseen configs by mutation-based local search: score the
 * neighbours of the best trials and some random configs, then climb from the best few through their
 * neighbourhoods while the acquisition improves (as BANANAS and NASBOT do for architectures).
 */
export function maximizeAcquisition<C>(
  context: StrategyContext<C>,
  trials: readonly TrialView<C>[],
  acquisition: (config: C) => number,
  search: AcquisitionSearch,
): C | null {
  const { space, seen } = context;
  const scored = new Map<string, { config: C; score: number }>();
  const consider = (config: C) => {
    const key = space.key(config);
    if (seen.has(key) || scored.has(key)) return;
    scored.set(key, { config, score: acquisition(config) });
  };
  const best = [...trials].sort((a, b) => b.fitness - a.fitness).slice(0, search.starts);
  for (const trial of best) for (const neighbor of space.neighbors(trial.config)) consider(neighbor);
  for (let i = 0; i < search.randomCandidates; i++) {
    const config = sampleUnseen(context, 20);
    if (config) consider(config);
  }
  let frontier = [...scored.values()].sort((a, b) => b.score - a.score).slice(0, 3);
  for (let step = 0; step < search.steps && frontier.length; step++) {
    const next: { config: C; score: number }[] = [];
    for (const point of frontier) {
      let improved: { config: C; score: number } | null = null;
      for (const neighbor of space.neighbors(point.config)) {
        consider(neighbor);
        const entry = scored.get(space.key(neighbor));
        if (entry && entry.score > (improved?.score ?? point.score)) improved = entry;
      }
      if (improved) next.push(improved);
    }
    frontier = next;
  }
  let winner: { config: C; score: number } | null = null;
  for (const entry of scored.values()) if (!winner || entry.score > winner.score) winner = entry;
  return winner?.config ?? null;
}
