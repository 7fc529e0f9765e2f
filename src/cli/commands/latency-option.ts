import { readFileSync } from "node:fs";
import type { Evaluator } from "../../evaluate/evaluator.js";
import { latencyScreen, withPredictedLatency } from "../../evaluate/latency-evaluator.js";
import { resolveDevice } from "../../evaluate/devices/registry.js";
import { isLatencyPredictor, type LatencyPredictor } from "../../predict/latency/predictors.js";
import type { Space } from "../../space/space.js";
import { screened } from "../../strategy/screened.js";
import type { Strategy } from "../../strategy/strategy.js";
import type { ConstraintSpec } from "../../core/objectives.js";
import { NascentError } from "../../core/errors.js";

export interface LatencyOptions {
  latencyPredictor?: string;
  latencyInput?: [number, number, number];
  latencyMeasure?: boolean;
  latencyMargin?: number;
}

/** A saved latency predictor (linear, gbdt or mlp-ensemble), checked for its kind and version. */
export function readLatencyPredictor(path: string, flag = "--latency-predictor"): LatencyPredictor {
  let predictor: unknown;
  try {
    predictor = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new NascentError(`${flag} '${path}': ${(error as Error).message}`);
  }
  if (!isLatencyPredictor(predictor)) throw new NascentError(`${flag} '${path}': not a latency predictor this version reads (write one with nascent latency fit)`);
  return predictor;
}

const dataOf = (options: LatencyOptions) => ({ shape: options.latencyInput ?? ([28, 28, 1] as [number, number, number]), classes: 10 });

/**
 * Wraps the evaluator so trials also report `latency:DEVICE`; predictors are fitted on networks of one input
 * size, recorded in the predictor's features (the dataset's images, Fashion-MNIST's 28x28x1 by default). With
 * --latency-measure each trained candidate is measured on the predictor's device too (CPU clock for a
 * 1-thread device, whose runs are in this process; else wall).
 */
export function withLatencyOption(evaluator: Evaluator, options: LatencyOptions): Evaluator {
  if (!options.latencyPredictor) {
    if (options.latencyMeasure) throw new NascentError("--latency-measure needs --latency-predictor (the predictor names the device)");
    return evaluator;
  }
  const predictor = readLatencyPredictor(options.latencyPredictor);
  const device = options.latencyMeasure ? resolveDevice(predictor.device) : undefined;
  const clock = device && device.inProcess && device.describe().threads === 1 ? "process-cpu" : "wall";
  return withPredictedLatency(evaluator, predictor, dataOf(options), device ? { device, clock } : undefined);
}

/** With a latency constraint, the strategy spends no trial on a config the predictor rules out (screened.ts). */
export function withLatencyScreen(strategy: Strategy, space: Space<unknown>, constraints: readonly ConstraintSpec[], options: LatencyOptions): Strategy {
  if (!options.latencyPredictor) return strategy;
  const predictor = readLatencyPredictor(options.latencyPredictor);
  const screen = latencyScreen(space, predictor, dataOf(options), constraints, options.latencyMargin ?? 0);
  return constraints.some((c) => c.metric === `latency:${predictor.device}`) ? screened(strategy, screen) : strategy;
}
