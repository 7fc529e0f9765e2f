import { weightsOf } from "../export/onnx/export.js";
import type { LatencyDevice } from "../evaluate/devices/device.js";
import { CLOCKS, measureLatency, type ClockName, type MeasureOptions } from "../evaluate/devices/protocol.js";
import type { Weights } from "../nn/engine/engine.js";
import { countCost } from "../nn/layers.js";
import { featureVector, NETWORK_FEATURES, networkFeatures } from "../predict/latency/network-features.js";
import { fitLinearPredictor, predictLinear, type LinearPredictor } from "../predict/latency/linear-predictor.js";
import { ofaNetwork, sideOf, type OfaConfig, type OfaShape } from "./network.js";

/** Multiply-accumulates of one inference (batch 1) of a sub-network at its resolution. */
export function macsOf(shape: OfaShape, config: OfaConfig): number {
  const side = sideOf(shape, config);
  return countCost(ofaNetwork(shape, config), [side, side, shape.input[2]]).macs;
}

/** Measured batch-1 latency (median ms) of a sub-network with its weights on a device, by the shared protocol. */
export async function measureSubnet(device: LatencyDevice, shape: OfaShape, config: OfaConfig, weights: Weights, options: MeasureOptions, clock: ClockName): Promise<number> {
  const side = sideOf(shape, config);
  const prepared = await device.prepare(ofaNetwork(shape, config), [side, side, shape.input[2]], await weightsOf(weights.params, weights.state));
  try {
    return (await measureLatency(() => prepared.run(), options, CLOCKS[clock])).medianMs;
  } finally {
    await prepared.close();
  }
}

const featuresOf = (shape: OfaShape, config: OfaConfig): number[] => {
  const side = sideOf(shape, config);
  return featureVector(networkFeatures(ofaNetwork(shape, config), [side, side, shape.input[2]]));
};

/** A device's latency predictor for sub-networks: issue 15's network-wise linear model fitted on measured ones. */
export function fitSubnetLatency(device: string, shape: OfaShape, configs: OfaConfig[], latencyMs: number[]): LinearPredictor {
  return fitLinearPredictor(device, NETWORK_FEATURES, configs.map((c) => featuresOf(shape, c)), latencyMs);
}

export const predictSubnetLatency = (predictor: LinearPredictor, shape: OfaShape, config: OfaConfig): number => predictLinear(predictor, featuresOf(shape, config));
