import { networkBuilderFor, type DataShape } from "../nn/builders/index.js";
import type { Layer, Shape } from "../nn/layers.js";
import { networkFeatures } from "../predict/latency/network-features.js";
import { predictLatencies, type LatencyPredictor } from "../predict/latency/predictors.js";
import type { Space } from "../space/space.js";
import type { ConstraintSpec } from "../core/objectives.js";
import { NascentError } from "../core/errors.js";
import type { LatencyDevice } from "./devices/device.js";
import { profileNetwork } from "./devices/profile.js";
import { DEFAULT_MEASURE, type ClockName } from "./devices/protocol.js";
import type { EvaluationContext, Evaluator, Metrics } from "./evaluator.js";

/** The metric name of a device's latency, as objectives and constraints write it: `latency:DEVICE`. */
export const latencyMetric = (device: string) => `latency:${device}`;
/** The predicted latency, reported beside a measured one. */
export const predictedLatencyMetric = (device: string) => `predicted-latency:${device}`;

export interface LatencyMeasuring {
  device: LatencyDevice;
  clock: ClockName;
}

/** A config's network at the latency's input size, and its predicted latency (ms). */
export function latencyPredictorFor(space: Space<unknown>, predictor: LatencyPredictor, data: DataShape): (config: unknown) => { network: Layer; input: Shape; predictedMs: number } {
  const builder = networkBuilderFor(space);
  return (config) => {
    const { network, input } = builder.build(config, data);
    return { network, input, predictedMs: predictLatencies(predictor, [networkFeatures(network, input)])[0] };
  };
}

/**
 * Adds a config's latency on a device to what an evaluator measures, so `--objective latency:DEVICE:min` and
 * `--constraint 'latency:DEVICE<=MS'` work with every strategy. Predicted from the network's description by a
 * saved predictor; with `measuring`, the trained candidate is also measured on the device (the protocol of
 * devices/protocol.ts) and `latency:DEVICE` is the measurement, `predicted-latency:DEVICE` the prediction.
 */
export function withPredictedLatency(inner: Evaluator, predictor: LatencyPredictor, data: DataShape, measuring?: LatencyMeasuring): Evaluator {
  const metric = latencyMetric(predictor.device);
  let predict: ReturnType<typeof latencyPredictorFor> | undefined;
  const source = measuring ? `measured on ${measuring.device.name} (${measuring.clock} clock)` : `predicted by a ${predictor.kind} model of ${predictor.trainedOn} measured networks`;
  return {
    name: inner.name,
    metrics: [
      ...inner.metrics,
      { name: metric, direction: "minimize", description: `latency on ${predictor.device} at ${data.shape.join("x")}, ${source} (ms)` },
      ...(measuring ? [{ name: predictedLatencyMetric(predictor.device), direction: "minimize" as const, description: `latency on ${predictor.device} predicted by a ${predictor.kind} model (ms)` }] : []),
    ],
    maxStep: inner.maxStep,
    checkSpace(space: Space<unknown>) {
      inner.checkSpace(space);
      predict = latencyPredictorFor(space, predictor, data);
    },
    async evaluate(config: unknown, context: EvaluationContext): Promise<Metrics> {
      if (!predict) throw new NascentError("predicted latency: checkSpace was not called before evaluate");
      const { network, input, predictedMs } = predict(config);
      const metrics = await inner.evaluate(config, context);
      if (!measuring) return { ...metrics, [metric]: predictedMs };
      const measured = await profileNetwork(measuring.device, network, input, undefined, DEFAULT_MEASURE, measuring.clock);
      return { ...metrics, [metric]: measured.medianMs, [predictedLatencyMetric(predictor.device)]: predictedMs };
    },
    close: async () => {
      await inner.close?.();
      await measuring?.device.close?.();
    },
  };
}

/**
 * Rules out a config whose predicted latency breaks a latency constraint by more than `margin` (relative).
 * With margin 0 (the CLI's default) every config predicted above the bound is ruled out: with 98% of
 * ort-node:1 predictions within ±10% (docs/latency.md), what is tried then measures at most ~10% above it.
 */
export function latencyScreen(space: Space<unknown>, predictor: LatencyPredictor, data: DataShape, constraints: readonly ConstraintSpec[], margin: number) {
  const predict = latencyPredictorFor(space, predictor, data);
  const bounds = constraints.filter((c) => c.metric === latencyMetric(predictor.device) && c.op === "<=");
  return (config: unknown) => {
    if (!bounds.length) return { ruledOut: false };
    const { predictedMs } = predict(config);
    const broken = bounds.find((c) => predictedMs > c.bound * (1 + margin));
    return broken ? { ruledOut: true, reason: `predicted ${predictedMs.toFixed(3)} ms > ${broken.bound} ms` } : { ruledOut: false };
  };
}
