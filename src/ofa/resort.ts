import type { HostTensor, HostTensors } from "../nn/engine/engine.js";
import { blockInput, blockPrefix, MAX_DEPTH, stageChannels, type OfaShape } from "./network.js";

/**
 * Channel re-sorting before an elastic-width phase (Cai et al. 2020, sec. 3.2, "elastic width"): the hidden
 * channels of each MBConv are ordered by importance, the L1 norm of the project conv's weights that read
 * them, so the first round(e * Cin) kept by a narrow sub-network are the most important. The expand conv's
 * columns, the depthwise conv's channels, both BatchNorms (parameters, running statistics and anything
 * else stored under the same names, e.g. momentum buffers) follow the same permutation, so the full
 * network computes exactly the same function.
 */

/** Hidden-channel order of every block, most important first, from the full network's parameters. */
export function importanceOrder(shape: OfaShape, params: HostTensors): Map<string, Int32Array> {
  const orders = new Map<string, Int32Array>();
  const widths = stageChannels(shape);
  for (let i = 0; i < 4; i++) {
    for (let d = 0; d < MAX_DEPTH; d++) {
      const prefix = blockPrefix(shape, i, d);
      const hidden = Math.round(blockInput(shape, i, d) * 6);
      const project = params[`${prefix}2.0.w`].data;
      const cout = widths[i];
      const importance = Array.from({ length: hidden }, (_, j) => {
        let sum = 0;
        for (let o = 0; o < cout; o++) sum += Math.abs(project[j * cout + o]);
        return sum;
      });
      // Stable: ties keep their current order, so re-sorting sorted weights changes nothing.
      orders.set(prefix, Int32Array.from(importance.map((v, j) => [v, j] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]).map(([, j]) => j)));
    }
  }
  return orders;
}

/** Gathers along one axis: `groups` outer blocks, `n` channels, `inner` contiguous values per channel. */
function gather(tensor: HostTensor, order: Int32Array, groups: number, inner: number): HostTensor {
  const n = order.length;
  const data = new Float32Array(tensor.data.length);
  for (let g = 0; g < groups; g++) {
    for (let j = 0; j < n; j++) {
      const from = (g * n + order[j]) * inner;
      data.set(tensor.data.subarray(from, from + inner), (g * n + j) * inner);
    }
  }
  return { shape: tensor.shape, data };
}

/** Applies block orders to a map of full-network tensors (parameters, statistics or optimizer buffers). */
export function permuteHidden(shape: OfaShape, tensors: HostTensors, orders: Map<string, Int32Array>): HostTensors {
  const out: HostTensors = { ...tensors };
  for (let i = 0; i < 4; i++) {
    for (let d = 0; d < MAX_DEPTH; d++) {
      const prefix = blockPrefix(shape, i, d);
      const order = orders.get(prefix);
      if (!order) continue;
      const cin = blockInput(shape, i, d);
      const cout = stageChannels(shape)[i];
      const apply = (name: string, groups: number, inner: number) => {
        if (out[name]) out[name] = gather(out[name], order, groups, inner);
      };
      apply(`${prefix}0.0.w`, cin, 1);
      apply(`${prefix}1.0.w`, 49, 1);
      apply(`${prefix}2.0.w`, 1, cout);
      for (const leaf of ["gamma", "beta", "mean", "var"]) {
        apply(`${prefix}0.1.${leaf}`, 1, 1);
        apply(`${prefix}1.1.${leaf}`, 1, 1);
      }
    }
  }
  return out;
}
