import { NascentError } from "../core/errors.js";
import type { Proposal, Strategy, StrategyContext } from "./strategy.js";

/** A cheap verdict on a config before it is evaluated: ruled out when a predictor says, with confidence, it breaks a hard constraint. */
export type Screen = (config: unknown) => { ruledOut: boolean; reason?: string };

/**
 * Wraps any strategy so that it spends no trial on a config the screen rules out (a latency predictor far
 * above a latency bound): a ruled-out proposal is set aside, its key added to `seen`, and the strategy asked
 * again with a fresh random stream, up to `attempts` times. How many proposals were set aside before this
 * trial's config is kept in the trial's note (`screenedOut`), so the study's record counts them. As a
 * strategy-level rejection sampler this is TabNAS's rejection of infeasible samples before training
 * (Yang et al., NeurIPS 2022) for every strategy; the screen is also handed to the strategy as
 * `context.feasible`, from which the policy-gradient controllers take TabNAS's Monte-Carlo correction.
 */
export function screened(base: Strategy, screen: Screen, attempts = 200): Strategy {
  if (!(Number.isInteger(attempts) && attempts >= 1)) throw new NascentError(`screen attempts must be a positive integer, got ${attempts}`);
  return {
    name: base.name,
    minObjectives: base.minObjectives,
    async propose<C>(given: StrategyContext<C>): Promise<Proposal<C>> {
      const seen = new Set(given.seen);
      const context: StrategyContext<C> = { ...given, feasible: (config) => !screen(config).ruledOut && (given.feasible?.(config) ?? true) };
      let rejected = 0;
      let last: Proposal<C> | undefined;
      for (let attempt = 0; attempt < attempts; attempt++) {
        const asked: StrategyContext<C> = attempt === 0 ? context : { ...context, seen, rng: context.rng.fork(`screen ${attempt}`) };
        last = await base.propose(asked);
        if (!screen(last.config).ruledOut) return { ...last, note: { ...last.note, screenedOut: rejected } };
        rejected++;
        seen.add(context.space.key(last.config));
      }
      throw new NascentError(`the latency screen ruled out ${attempts} proposals in a row from ${base.name}: the constraint may be unreachable in this space (loosen it or check the predictor)`);
    },
  };
}
