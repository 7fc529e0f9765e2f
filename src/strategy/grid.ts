import type { Space } from "../space/space.js";
import { DEFAULT_GRID_LIMIT } from "../space/space.js";
import { SearchExhausted, type Proposal, type Strategy, type StrategyContext } from "./strategy.js";

export interface GridOptions {
  /** Largest grid enumerated; bigger spaces are refused with a clear error. */
  limit?: number;
}

/** Grid search: every config once, in random order (as Optuna's GridSampler), then stop. */
export function gridSearch(options: GridOptions = {}): Strategy {
  const grids = new WeakMap<Space<unknown>, { configs: unknown[]; keys: string[] }>();
  return {
    name: "grid",
    propose<C>(context: StrategyContext<C>): Proposal<C> {
      let grid = grids.get(context.space as Space<unknown>);
      if (!grid) {
        const configs = context.space.grid(options.limit ?? DEFAULT_GRID_LIMIT);
        grid = { configs, keys: configs.map((c) => context.space.key(c)) };
        grids.set(context.space as Space<unknown>, grid);
      }
      const unseen: number[] = [];
      grid.keys.forEach((key, i) => {
        if (!context.seen.has(key)) unseen.push(i);
      });
      if (unseen.length === 0) throw new SearchExhausted(`grid search has evaluated all ${grid.keys.length} configurations`);
      return { config: grid.configs[context.rng.pick(unseen)] as C };
    },
  };
}
