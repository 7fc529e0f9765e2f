import type { Graph } from "../graph/graph.js";
import type { Engine, Model, Weights } from "./engine.js";

/**
 * Compiled models by key, the least recently used one disposed when `capacity` is reached. Weight-sharing
 * loops (one-shot supernets, once-for-all) compile one graph per sampled path or sub-network and keep
 * returning to a few of them; the weights live with the caller and are written in before each use.
 */
export class ModelCache {
  private readonly models = new Map<string, Model>();

  constructor(
    private readonly engine: Engine,
    private readonly capacity: number,
  ) {}

  /** The model compiled for `key`, compiling `graph()` with `weights` on a miss. */
  get(key: string, graph: () => Graph, weights: Weights): Model {
    let model = this.models.get(key);
    if (model) {
      this.models.delete(key);
    } else {
      model = this.engine.compile(graph(), weights, { optimizer: { name: "sgd", momentum: 0, nesterov: false, weightDecay: 0 }, seed: 0 });
      if (this.models.size >= this.capacity) {
        const [oldest, evicted] = this.models.entries().next().value as [string, Model];
        evicted.dispose();
        this.models.delete(oldest);
      }
    }
    this.models.set(key, model);
    return model;
  }

  dispose(): void {
    for (const model of this.models.values()) model.dispose();
    this.models.clear();
  }
}
