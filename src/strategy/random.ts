import { DEFAULT_GRID_LIMIT } from "../space/space.js";
import { SearchExhausted, sampleUnseen, type Proposal, type Strategy, type StrategyContext } from "./strategy.js";

/**
 * Random search: uniform samples without repeats. When sampling keeps finding seen configs, a space small
 * enough to enumerate is searched for what is left; once every config has been proposed, the search stops
 * (as grid search does) instead of repeating.
 */
export function randomSearch(): Strategy {
  return {
    name: "random",
    propose<C>(context: StrategyContext<C>): Proposal<C> {
      return { config: sampleUnseen(context) ?? unseenOrRepeat(context) };
    },
  };
}

function unseenOrRepeat<C>(context: StrategyContext<C>): C {
  const { space } = context;
  const size = space.size();
  if (size > DEFAULT_GRID_LIMIT) return space.sample(context.rng);
  const unseen = space.grid(DEFAULT_GRID_LIMIT).filter((config) => !context.seen.has(space.key(config)));
  if (unseen.length === 0) throw new SearchExhausted(`random search has proposed all ${size} configurations of the space`);
  return context.rng.pick(unseen);
}
