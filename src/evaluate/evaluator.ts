import type { Direction } from "../core/objectives.js";
import type { Space } from "../space/space.js";
import type { Rng } from "../core/rng.js";

/** What an evaluation measured: the objective and any costs (params, FLOPs, latency...), by name. */
export type Metrics = Record<string, number>;

export type { Direction } from "../core/objectives.js";

export interface MetricInfo {
  name: string;
  /** The direction that makes sense when this metric is an objective. */
  direction: Direction;
  description: string;
}

export interface EvaluationContext {
  readonly trialNumber: number;
  /** The trial's own random stream (for training noise, data order...). */
  readonly rng: Rng;
  /** Records an intermediate value (e.g. validation accuracy at an epoch) that pruners can act on. */
  report(step: number, value: number): Promise<void>;
  /** True once a pruner has decided the trial should stop; the evaluator should then return or throw. */
  shouldPrune(): boolean;
  readonly signal: AbortSignal;
}

/**
 * How good and how costly a config is. Benchmarks (tables, surrogates), in-process training and external
 * trial commands all implement this, so the same search code runs on any of them.
 */
export interface Evaluator<C = unknown> {
  /** The name it was resolved from, e.g. `nb201:cifar10`; stored with the study. */
  readonly name: string;
  /** Every metric `evaluate` returns; the first is the default objective. */
  readonly metrics: readonly MetricInfo[];
  /** For evaluators that report intermediate values: the last step (e.g. epochs), the budget multi-fidelity pruners plan with. */
  readonly maxStep?: number;
  /** Throws a NascentError if configs of `space` cannot be evaluated here. */
  checkSpace(space: Space<unknown>): void;
  /** Measures one config of the space (typed by it: an `Evaluator<Nb201Config>` gets NB201 cells). */
  evaluate(config: C, context: EvaluationContext): Promise<Metrics>;
  close?(): Promise<void>;
}
