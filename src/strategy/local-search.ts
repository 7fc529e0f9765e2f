import { fittest, sampleUnseen, type Proposal, type Strategy, type StrategyContext, type TrialView } from "./strategy.js";

const isRestart = (t: TrialView<unknown>) => t.note?.restart === true;

/**
 * Local search (hill climbing) as in White et al. 2021, "Local search is state of the art for NAS
 * benchmarks": from a random start, evaluate unseen neighbours (one decision away) of the best config of
 * the current climb in random order, moving as soon as one is better; once every neighbour of the best
 * has been seen it is a local optimum, and the search restarts from a new random config.
 * The climb is read from the history (trials noted `restart` begin one), so the strategy keeps no state.
 */
export function localSearch(): Strategy {
  return {
    name: "local",
    propose<C>(context: StrategyContext<C>): Proposal<C> {
      const restart = (): Proposal<C> => ({ config: sampleUnseen(context) ?? context.space.sample(context.rng), note: { restart: true } });
      const lastRestart = [context.history.findLast(isRestart), context.pending.findLast(isRestart)]
        .filter((t) => t !== undefined)
        .reduce<TrialView<C> | undefined>((latest, t) => (latest && latest.number > t.number ? latest : t), undefined);
      if (!lastRestart) return restart();
      const climb = context.history.filter((t) => t.number >= lastRestart.number);
      const center = fittest(climb);
      if (!center) {
        // The climb's start has not finished (or failed): keep exploring around it rather than idle.
        const start = context.pending.some((t) => t.number === lastRestart.number) ? lastRestart : null;
        const around = start ? context.space.neighbors(start.config).filter((n) => !context.seen.has(context.space.key(n))) : [];
        return around.length ? { config: context.rng.pick(around) } : restart();
      }
      const unseen = context.space.neighbors(center.config).filter((n) => !context.seen.has(context.space.key(n)));
      if (unseen.length === 0) return restart();
      return { config: context.rng.pick(unseen), note: { center: center.number } };
    },
  };
}
