import { writeFileSync } from "node:fs";
import { exportOnnx, weightsOf } from "../export/onnx/export.js";
import { saveCheckpoint } from "../nn/checkpoint.js";
import type { Weights } from "../nn/engine/engine.js";
import type { Layer } from "../nn/layers.js";
import { calibratedSubnet, type EvalData } from "./evaluate.js";
import { ofaNetwork, sideOf, type OfaConfig } from "./network.js";
import type { OfaRunner } from "./runner.js";

/** A sub-network as a standalone network: its layer tree, input shape and own weights. */
export interface ExtractedNetwork {
  config: OfaConfig;
  network: Layer;
  input: [number, number, number];
  weights: Weights;
}

/**
 * Extraction (Cai et al. 2020, sec. 3.3: "no retraining"): the config's weights cut from the supernet, its
 * BatchNorm statistics recomputed on training images, as a network any nascent engine or exporter runs.
 */
export async function extractSubnet(runner: OfaRunner, supernet: Weights, config: OfaConfig, data: EvalData): Promise<ExtractedNetwork> {
  const side = sideOf(runner.shape, config);
  const weights = await calibratedSubnet(runner, supernet, config, data);
  return { config, network: ofaNetwork(runner.shape, config), input: [side, side, runner.shape.input[2]], weights };
}

/**
 * Writes an extracted network by the file's extension: `.onnx` (src/export), `.safetensors` (nascent's
 * checkpoint: network JSON in the metadata, weights as tensors), `.json` (network, input and config).
 */
export async function writeExtracted(path: string, extracted: ExtractedNetwork): Promise<void> {
  if (path.endsWith(".onnx")) {
    const bytes = exportOnnx(extracted.network, extracted.input, await weightsOf(extracted.weights.params, extracted.weights.state), `once-for-all sub-network ${JSON.stringify(extracted.config)}`);
    writeFileSync(path, bytes);
  } else if (path.endsWith(".safetensors")) {
    await saveCheckpoint(path, { network: extracted.network, input: extracted.input, params: extracted.weights.params, state: extracted.weights.state });
  } else {
    writeFileSync(path, JSON.stringify({ config: extracted.config, input: extracted.input, network: extracted.network }, null, 1));
  }
}
