import type { HostTensors } from "../../nn/engine/engine.js";
import type { Graph } from "../../nn/graph/graph.js";

/** Primitives that are linear in their input-dependent operands once their constant operands (weights) are fixed. */
const LINEAR = new Set(["conv2d", "dense", "add", "pool", "globalPool", "flatten", "dropout", "channelShuffle", "sliceChannels", "concat", "patches", "reshape", "zeros", "weightedSum"]);

/**
 * What keeps the compiled network from being positively homogeneous of degree 1 in its input,
 * f(αx) = α f(x) for α > 0, with the parameters `params`: each distinct offending primitive once, in graph
 * order, as `op` (`activation gelu` for an activation, `op (nonzero constant)` for a bias or position
 * embedding added to an input-dependent value); empty when every input-dependent value passes only through
 * linear primitives, ReLUs and max/average pooling, and every constant added to one is zero. LayerNorm
 * (scale-invariant), attention (softmax of products), GELU, ReLU6, h-swish, sigmoid gates and BatchNorm
 * are not homogeneous.
 */
export function homogeneityBreakers(graph: Graph, params: HostTensors): string[] {
  const constant: boolean[] = [];
  const breakers = new Set<string>();
  const zero = (j: number): boolean => {
    const node = graph.nodes[j];
    if (node.op === "zeros") return true;
    return node.op === "param" && (params[node.name]?.data.every((v) => v === 0) ?? false);
  };
  for (const [i, node] of graph.nodes.entries()) {
    if (node.op === "input") {
      constant[i] = false;
      continue;
    }
    constant[i] = node.inputs.every((j) => constant[j]);
    if (constant[i]) continue; // weights, architecture weights and their softmax: fixed factors
    const constants = node.inputs.filter((j) => constant[j]);
    if (node.op === "activation") {
      if (node.fn !== "relu") breakers.add(`activation ${node.fn}`);
    } else if (node.op === "addBatchless" || node.op === "add") {
      if (!constants.every(zero)) breakers.add(`${node.op} (nonzero constant)`);
    } else if (node.op === "conv2d" || node.op === "dense") {
      // [x, w, b?]: the weight multiplies x; a bias adds a constant.
      if (!constant[node.inputs[1]]) breakers.add(`${node.op} (input-dependent weight)`);
      else if (node.inputs.length > 2 && !zero(node.inputs[2])) breakers.add(`${node.op} (nonzero bias)`);
    } else if (node.op === "weightedSum") {
      if (!constant[node.inputs[0]]) breakers.add("weightedSum (input-dependent weights)");
    } else if (!LINEAR.has(node.op)) breakers.add(node.op);
    else if (node.op !== "zeros" && constants.some((j) => !zero(j))) breakers.add(`${node.op} (nonzero constant)`);
  }
  return [...breakers];
}

/** Whether the compiled network is positively homogeneous of degree 1 in its input (`homogeneityBreakers` is empty); synflow rescales its input only on such networks (see synflow.ts). */
export function positivelyHomogeneous(graph: Graph, params: HostTensors): boolean {
  return homogeneityBreakers(graph, params).length === 0;
}
