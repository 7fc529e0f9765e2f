import { sampleUnseen, type Proposal, type Strategy, type StrategyContext } from "./strategy.js";

/** Random search: uniform samples, avoiding repeats while unseen configs are easy to find. */
export function randomSearch(): Strategy {
  return {
    name: "random",
    propose<C>(context: StrategyContext<C>): Proposal<C> {
      return { config: sampleUnseen(context) ?? context.space.sample(context.rng) };
    },
  };
}
