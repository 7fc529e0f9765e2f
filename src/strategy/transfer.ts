import { NascentError } from "../core/errors.js";
import type { Proposal, Strategy, StrategyContext } from "./strategy.js";

/** A finished trial of an earlier study on another task (another dataset, another device). */
export interface PriorTrial {
  readonly config: unknown;
  /** `space.key(config)` in the shared space. */
  readonly key: string;
  /** The source study's first objective, signed so that higher is better. */
  readonly fitness: number;
  /** `STORAGE:STUDY` it came from. */
  readonly source: string;
}

export interface TransferOptions {
  /** How many of the best prior configs (over all sources, by within-source rank) seed the new study: 5 (docs/transfer.md). */
  seeds?: number;
}

/**
 * Transfer across tasks by a seeded population (as in Feurer et al. 2015's meta-learned initial design,
 * and the warm-started populations of transferable NAS): the new study first evaluates the best configs of
 * the earlier studies, best first, then the base strategy continues with those results in its history,
 * so evolution breeds from them and local search climbs from the best. Sources are merged by rank within
 * each source (fitness scales differ between tasks). Measured on NB201 CIFAR-10 -> CIFAR-100 with local
 * search and evolution in docs/transfer.md (a task-aware kernel or prior weights were not built).
 */
export function warmStarted(base: Strategy, prior: readonly PriorTrial[], options: TransferOptions = {}): Strategy {
  const seeds = options.seeds ?? 5;
  if (!(Number.isInteger(seeds) && seeds >= 0)) throw new NascentError(`warm-start seeds must be an integer >= 0, got ${seeds}`);
  const order = rankAcrossSources(prior);
  return {
    name: base.name,
    ...(base.minObjectives !== undefined ? { minObjectives: base.minObjectives } : {}),
    propose<C>(context: StrategyContext<C>): Proposal<C> | Promise<Proposal<C>> {
      const seeded = context.history.length + context.pending.length;
      if (seeded < seeds) {
        const next = order.find((t) => !context.seen.has(t.key));
        // The first seed begins a climb for strategies that read `restart` notes (local search).
        if (next) return { config: next.config as C, note: { origin: "warm-start", source: next.source, restart: seeded === 0 } };
      }
      return base.propose(context);
    },
  };
}

/** Prior trials best first: interleaved by rank within their source, ties broken by source order. */
export function rankAcrossSources(prior: readonly PriorTrial[]): PriorTrial[] {
  const bySource = new Map<string, PriorTrial[]>();
  for (const t of prior) if (Number.isFinite(t.fitness)) bySource.set(t.source, [...(bySource.get(t.source) ?? []), t]);
  const ranked = [...bySource.values()].map((trials) => trials.sort((a, b) => b.fitness - a.fitness).map((t, rank) => ({ t, quantile: rank / trials.length })));
  const seen = new Set<string>();
  return ranked
    .flat()
    .sort((a, b) => a.quantile - b.quantile)
    .map((x) => x.t)
    .filter((t) => !seen.has(t.key) && seen.add(t.key));
}
