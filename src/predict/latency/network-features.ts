import { countCost, ownParams, walk, type Layer, type Shape } from "../../nn/layers.js";

/**
 * Architecture features of a network for network-wise latency predictors (nn-Meter's kernel-level
 * features summed over the network): multiply-adds split by kernel type, because a depthwise or 1x1 MAC
 * costs a CPU very differently from a dense 3x3 one; memory traffic; and the count of operators, which
 * at batch 1 sets the fixed per-op overhead. All per single input.
 *
 * The traffic features are fusion-aware: each conv's input and output bytes by conv type, and the output
 * bytes of BatchNorm, of activations a runtime folds into the preceding conv (ReLU, ReLU6 as Clip, sigmoid:
 * onnxruntime's FusedConv), of the others (h-swish, GELU: a separate pass over memory), and of residual adds,
 * each with its op count. An eager runtime (nascent's engine) pays for all of them; onnxruntime folds BN and
 * the fusable activations into the conv, so a linear model fitted per device learns which are free.
 */
export const NETWORK_FEATURES = [
  "macsPointwise", "macsDepthwise", "macsSpatial", "macsDense", "activationMB", "paramMB", "operators", "convs", "inputPixels",
  "pointwiseMB", "depthwiseMB", "spatialMB", "normMB", "fusableActMB", "otherActMB", "addMB", "norms", "fusableActs", "otherActs", "adds",
  "macsPointwiseUnaligned", "macsDepthwiseUnaligned", "pointwiseMBUnaligned", "depthwiseMBUnaligned",
] as const;
export type NetworkFeatures = Record<(typeof NETWORK_FEATURES)[number], number>;

const CONTAINERS = new Set(["sequential", "residual", "cell", "concat"]);
const FUSABLE = new Set(["relu", "relu6", "sigmoid", "tanh"]);
/**
 * Channel blocking of SIMD conv kernels: 16 float32 lanes of AVX-512 (onnxruntime's NCHWc layout, oneDNN's
 * nChw16c). A conv whose channels are not a multiple of it runs a slower unblocked path (or pads).
 */
const SIMD_CHANNELS = 16;
const megabytes = (shape: Shape) => (4 * shape.reduce((a, b) => a * b, 1)) / 1e6;

export function networkFeatures(network: Layer, input: Shape): NetworkFeatures {
  const f = Object.fromEntries(NETWORK_FEATURES.map((name) => [name, 0])) as NetworkFeatures;
  f.inputPixels = input.reduce((a, b) => a * b, 1);
  walk(network, input, (layer, layerInput, output, path) => {
    if (!CONTAINERS.has(layer.kind)) f.operators++;
    for (const p of ownParams(layer, layerInput, output, path)) f.paramMB += megabytes(p.shape);
    if (layer.kind !== "sequential") f.activationMB += megabytes(output);
    if (layer.kind === "residual" || layer.kind === "cell") {
      f.operators++; // the adds
      f.adds++;
      f.addMB += megabytes(output);
    }
    const macs = CONTAINERS.has(layer.kind) ? 0 : countCost(layer, layerInput).macs;
    const traffic = megabytes(layerInput) + megabytes(output);
    if (layer.kind === "conv") {
      f.convs++;
      const groups = layer.groups ?? 1;
      const unaligned = (layerInput[2] as number) % SIMD_CHANNELS !== 0 || layer.out % SIMD_CHANNELS !== 0;
      if (groups > 1 && groups === layerInput[2]) {
        f.macsDepthwise += macs / 1e6;
        f.depthwiseMB += traffic;
        if (unaligned) {
          f.macsDepthwiseUnaligned += macs / 1e6;
          f.depthwiseMBUnaligned += traffic;
        }
      } else if (layer.kernel === 1) {
        f.macsPointwise += macs / 1e6;
        f.pointwiseMB += traffic;
        if (unaligned) {
          f.macsPointwiseUnaligned += macs / 1e6;
          f.pointwiseMBUnaligned += traffic;
        }
      } else {
        f.macsSpatial += macs / 1e6;
        f.spatialMB += traffic;
      }
    } else {
      f.macsDense += macs / 1e6;
      if (layer.kind === "batchNorm") {
        f.norms++;
        f.normMB += megabytes(output);
      } else if (layer.kind === "activation" && FUSABLE.has(layer.fn)) {
        f.fusableActs++;
        f.fusableActMB += megabytes(output);
      } else if (layer.kind === "activation") {
        f.otherActs++;
        f.otherActMB += megabytes(output);
      }
    }
  });
  return f;
}

export const featureVector = (f: NetworkFeatures): number[] => NETWORK_FEATURES.map((name) => f[name]);
