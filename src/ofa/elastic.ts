import type { HostTensor, HostTensors, Weights } from "../nn/engine/engine.js";
import { blockInput, blockPrefix, fullName, layerMap, MAX_DEPTH, stageChannels, type OfaConfig, type OfaShape } from "./network.js";
import { identityMatrix, shrinkKernel, shrinkKernelBackward } from "./kernel-transform.js";

/**
 * A sub-network's weights from the supernet's (Cai et al. 2020, sec. 3.2): the first d blocks of each stage,
 * the first round(e * Cin) hidden channels of each MBConv (expand conv columns, depthwise channels,
 * project rows and their BatchNorms), the depthwise kernel shrunk through the transformation matrices.
 * The supernet's parameters are the full network's (kernel 7, expand 6, depth 4) by their full-network
 * names, plus `ofa.<block>.t75` [25, 25] and `ofa.<block>.t53` [9, 9] per block.
 */

export const transformName = (stage: number, d: number, which: "t75" | "t53"): string => `ofa.${1 + MAX_DEPTH * stage + d}.${which}`;

/** Identity transformation matrices for every block. */
export function initialTransforms(): HostTensors {
  const out: HostTensors = {};
  for (let i = 0; i < 4; i++) {
    for (let d = 0; d < MAX_DEPTH; d++) {
      out[transformName(i, d, "t75")] = { shape: [25, 25], data: identityMatrix(25) };
      out[transformName(i, d, "t53")] = { shape: [9, 9], data: identityMatrix(9) };
    }
  }
  return out;
}

/** How one full-network tensor is narrowed in a sub-network. */
type Slice =
  | { kind: "copy" }
  /** [rows, cols]: keep the first `cols` columns of each of `rows` rows (expand conv [1, Cin, H]). */
  | { kind: "columns"; rows: number; cols: number; keep: number }
  /** Keep the first `keep` values (BN vectors; the project conv [1, H, Cout]'s first rows are a prefix). */
  | { kind: "prefix"; keep: number }
  | { kind: "depthwise"; stage: number; d: number; kernel: number; hidden: number; keep: number };

/** Which slice every sub-network tensor name takes from its full-network tensor. */
function slicesOf(shape: OfaShape, config: OfaConfig): Map<string, Slice> {
  const slices = new Map<string, Slice>();
  config.stages.forEach((stage, i) => {
    for (let d = 0; d < stage.depth; d++) {
      const p = blockPrefix(shape, i, d);
      const cin = blockInput(shape, i, d);
      const hidden = Math.round(cin * 6);
      const keep = Math.round(cin * stage.expand);
      slices.set(`${p}0.0.w`, { kind: "columns", rows: cin, cols: hidden, keep });
      for (const leaf of ["gamma", "beta", "mean", "var"]) {
        slices.set(`${p}0.1.${leaf}`, { kind: "prefix", keep });
        slices.set(`${p}1.1.${leaf}`, { kind: "prefix", keep });
      }
      slices.set(`${p}1.0.w`, { kind: "depthwise", stage: i, d, kernel: stage.kernel, hidden, keep });
      slices.set(`${p}2.0.w`, { kind: "prefix", keep: keep * stageChannels(shape)[i] });
    }
  });
  return slices;
}

function narrow(tensor: HostTensor, slice: Slice, params: HostTensors): HostTensor {
  switch (slice.kind) {
    case "copy":
      return tensor;
    case "prefix": {
      const data = tensor.data.slice(0, slice.keep);
      // BN vectors stay vectors; project conv [1, H, Cout] keeps its first rows.
      return { shape: tensor.shape.length === 1 ? [slice.keep] : [1, slice.keep / tensor.shape[2], tensor.shape[2]], data };
    }
    case "columns": {
      const data = new Float32Array(slice.rows * slice.keep);
      for (let r = 0; r < slice.rows; r++) data.set(tensor.data.subarray(r * slice.cols, r * slice.cols + slice.keep), r * slice.keep);
      return { shape: [1, slice.rows, slice.keep], data };
    }
    case "depthwise": {
      const { stage, d, kernel, hidden, keep } = slice;
      if (kernel === 7) {
        const data = new Float32Array(49 * keep);
        for (let p = 0; p < 49; p++) data.set(tensor.data.subarray(p * hidden, p * hidden + keep), p * keep);
        return { shape: [49, 1, keep], data };
      }
      const k5 = shrinkKernel(tensor.data, 7, hidden, keep, params[transformName(stage, d, "t75")].data, 5);
      if (kernel === 5) return { shape: [25, 1, keep], data: k5 };
      return { shape: [9, 1, keep], data: shrinkKernel(k5, 5, keep, keep, params[transformName(stage, d, "t53")].data, 3) };
    }
  }
}

/** The sub-network's weights by its own parameter names (those of `ofaNetwork(shape, config)`). */
export function subnetWeights(shape: OfaShape, supernet: Weights, config: OfaConfig, names: { params: string[]; state: string[] }): Weights {
  const map = layerMap(config);
  const slices = slicesOf(shape, config);
  const pick = (from: HostTensors, sub: string[]): HostTensors => {
    const out: HostTensors = {};
    for (const name of sub) {
      const full = fullName(map, name);
      const tensor = from[full];
      if (!tensor) throw new Error(`supernet lacks '${full}' (sub-network '${name}')`);
      out[name] = narrow(tensor, slices.get(full) ?? { kind: "copy" }, supernet.params);
    }
    return out;
  };
  return { params: pick(supernet.params, names.params), state: pick(supernet.state, names.state) };
}

/**
 * The chain rule back through `subnetWeights`: gradients of the sub-network's parameters become gradients
 * of the supernet's (zeros where the sub-network did not reach, as OFA's sliced PyTorch parameters get),
 * including dL/dT of the transformation matrices a shrunk kernel went through.
 */
export function supernetGradients(shape: OfaShape, supernet: Weights, config: OfaConfig, grads: HostTensors): HostTensors {
  const map = layerMap(config);
  const slices = slicesOf(shape, config);
  const out: HostTensors = {};
  const zerosLike = (name: string): HostTensor => {
    const t = supernet.params[name];
    return (out[name] ??= { shape: t.shape, data: new Float32Array(t.data.length) });
  };
  for (const [name, g] of Object.entries(grads)) {
    const full = fullName(map, name);
    const slice = slices.get(full) ?? { kind: "copy" };
    const target = zerosLike(full);
    switch (slice.kind) {
      case "copy":
        target.data.set(g.data);
        break;
      case "prefix":
        target.data.set(g.data);
        break;
      case "columns":
        for (let r = 0; r < slice.rows; r++) target.data.set(g.data.subarray(r * slice.keep, (r + 1) * slice.keep), r * slice.cols);
        break;
      case "depthwise": {
        const { stage, d, kernel, hidden, keep } = slice;
        if (kernel === 7) {
          for (let p = 0; p < 49; p++) target.data.set(g.data.subarray(p * keep, (p + 1) * keep), p * hidden);
          break;
        }
        const t75 = supernet.params[transformName(stage, d, "t75")].data;
        const dt75 = zerosLike(transformName(stage, d, "t75")).data;
        let g5 = g.data;
        if (kernel === 3) {
          const k5 = shrinkKernel(supernet.params[full].data, 7, hidden, keep, t75, 5);
          g5 = new Float32Array(25 * keep);
          shrinkKernelBackward(k5, 5, keep, keep, supernet.params[transformName(stage, d, "t53")].data, 3, g.data, g5, zerosLike(transformName(stage, d, "t53")).data);
        }
        shrinkKernelBackward(supernet.params[full].data, 7, hidden, keep, t75, 5, g5, target.data, dt75);
        break;
      }
    }
  }
  return out;
}
