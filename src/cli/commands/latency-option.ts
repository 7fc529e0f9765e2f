import { readFileSync } from "node:fs";
import type { Evaluator } from "../../evaluate/evaluator.js";
import { withPredictedLatency } from "../../evaluate/latency-evaluator.js";
import type { LinearPredictor } from "../../predict/latency/linear-predictor.js";
import { NascentError } from "../../core/errors.js";

export interface LatencyOptions {
  latencyPredictor?: string;
  latencyInput?: [number, number, number];
}

/** A saved linear latency predictor, checked for its kind and version. */
export function readLatencyPredictor(path: string, flag = "--latency-predictor"): LinearPredictor {
  let predictor: LinearPredictor;
  try {
    predictor = JSON.parse(readFileSync(path, "utf8")) as LinearPredictor;
  } catch (error) {
    throw new NascentError(`${flag} '${path}': ${(error as Error).message}`);
  }
  if (predictor.kind !== "linear" || predictor.version !== 1) throw new NascentError(`${flag} '${path}': not a version-1 linear latency predictor (write one with nascent latency fit)`);
  return predictor;
}

/**
 * Wraps the evaluator so trials also report `latency:DEVICE`; predictors are fitted on networks of one input
 * size, recorded in the predictor's features (the dataset's images, Fashion-MNIST's 28x28x1 by default).
 */
export function withLatencyOption(evaluator: Evaluator, options: LatencyOptions): Evaluator {
  if (!options.latencyPredictor) return evaluator;
  const predictor = readLatencyPredictor(options.latencyPredictor);
  return withPredictedLatency(evaluator, predictor, { shape: options.latencyInput ?? [28, 28, 1], classes: 10 });
}
