import { networkBuilderFor, type DataShape } from "../nn/builders/index.js";
import { predictLinear, type LinearPredictor } from "../predict/latency/linear-predictor.js";
import { featureVector, networkFeatures } from "../predict/latency/network-features.js";
import type { Space } from "../space/space.js";
import { NascentError } from "../core/errors.js";
import type { EvaluationContext, Evaluator, Metrics } from "./evaluator.js";

/** The metric name of a device's latency, as objectives and constraints write it: `latency:DEVICE`. */
export const latencyMetric = (device: string) => `latency:${device}`;

/**
 * Adds a config's predicted latency on a device (ms, from a saved network-wise predictor) to what an
 * evaluator measures, so `--objective latency:DEVICE:min` and `--constraint 'latency:DEVICE<=MS'` work with
 * every strategy. The prediction needs only the network's description, not its training.
 */
export function withPredictedLatency(inner: Evaluator, predictor: LinearPredictor, data: DataShape): Evaluator {
  const metric = latencyMetric(predictor.device);
  let build: ((config: unknown) => ReturnType<ReturnType<typeof networkBuilderFor>["build"]>) | undefined;
  return {
    name: inner.name,
    metrics: [...inner.metrics, { name: metric, direction: "minimize", description: `latency on ${predictor.device} predicted by a linear model of ${predictor.trainedOn} measured networks (ms)` }],
    maxStep: inner.maxStep,
    checkSpace(space: Space<unknown>) {
      inner.checkSpace(space);
      const builder = networkBuilderFor(space);
      build = (config) => builder.build(config, data);
    },
    async evaluate(config: unknown, context: EvaluationContext): Promise<Metrics> {
      if (!build) throw new NascentError("predicted latency: checkSpace was not called before evaluate");
      const { network, input } = build(config);
      const latency = predictLinear(predictor, featureVector(networkFeatures(network, input)));
      return { ...(await inner.evaluate(config, context)), [metric]: latency };
    },
    close: inner.close ? () => inner.close!() : undefined,
  };
}
