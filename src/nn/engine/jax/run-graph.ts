import type { Graph, GraphNode } from "../../graph/graph.js";
import type { Activation } from "../../kinds/activation.js";
import { jax, type Tensor } from "./load.js";
import { batchNormEval, batchNormTrain, channelShuffle, conv2d, dense, embedding, layerNorm, patches, pool2d, selfAttention } from "./ops.js";

export type TensorMap = Record<string, Tensor>;

export interface RunMode {
  training: boolean;
  /** PRNG key for dropout in training; split once per dropout node. */
  key?: Tensor;
}

/**
 * Runs a graph on jax-js (traced by `jit`/`grad` like any jax function). Ownership follows jax-js's
 * reference counting: every tensor in `params`, `state` and `x` is consumed exactly once; a value read by
 * several nodes is handed out with `.ref` until its last reader. In training mode the new running
 * statistics come back in `state`; in eval mode `state` is empty.
 */
export function runGraph(graph: Graph, params: TensorMap, state: TensorMap, x: Tensor, mode: RunMode): { y: Tensor; state: TensorMap } {
  const uses = new Array<number>(graph.nodes.length).fill(0);
  for (const node of graph.nodes) for (const i of node.inputs) uses[i]++;
  uses[graph.output]++;
  const inputUnused = uses[0] === 0;
  const values: (Tensor | undefined)[] = new Array(graph.nodes.length);
  const newState: TensorMap = {};
  const consumed = new Set<string>();
  let key = mode.key;
  const take = (i: number): Tensor => {
    const value = values[i] as Tensor;
    if (--uses[i] > 0) return value.ref;
    values[i] = undefined;
    return value;
  };
  for (const [index, node] of graph.nodes.entries()) {
    if (uses[index] === 0) continue;
    const inputs = node.inputs.map(take);
    let value: Tensor;
    if (node.op === "input") value = x;
    else if (node.op === "param" || node.op === "state") {
      const source = node.op === "param" ? params : state;
      if (!source[node.name]) throw new Error(`network ${node.op} '${node.name}' is missing`);
      consumed.add(`${node.op}:${node.name}`);
      value = source[node.name];
    } else if (node.op === "dropout") {
      if (!mode.training) value = inputs[0];
      else {
        if (!key) throw new Error("dropout in training needs a PRNG key");
        const { random, numpy: np } = jax();
        const [next, sub] = random.split(key, 2) as unknown as [Tensor, Tensor];
        key = next;
        const keep = random.bernoulli(sub, 1 - node.rate, inputs[0].shape).astype(np.float32);
        value = inputs[0].mul(keep).mul(1 / (1 - node.rate));
      }
    } else if (node.op === "batchNorm") {
      const [input, gamma, beta, runningMean, runningVar] = inputs;
      if (!mode.training) value = batchNormEval(input, gamma, beta, runningMean, runningVar);
      else {
        const { y, mean, variance } = batchNormTrain(input, gamma, beta);
        const { lax } = jax();
        const m = node.momentum;
        newState[node.mean] = runningMean.mul(1 - m).add(lax.stopGradient(mean).mul(m));
        newState[node.variance] = runningVar.mul(1 - m).add(lax.stopGradient(variance).mul(m));
        value = y;
      }
    } else value = apply(node, inputs);
    values[index] = value;
  }
  key?.dispose();
  // Parameters or statistics the graph never reads (and the input, when unused) are still owned here.
  for (const [name, tensor] of Object.entries(params)) if (!consumed.has(`param:${name}`)) tensor.dispose();
  for (const [name, tensor] of Object.entries(state)) if (!consumed.has(`state:${name}`)) tensor.dispose();
  if (inputUnused) x.dispose();
  return { y: take(graph.output), state: newState };
}

/** The primitives without side outputs. */
function apply(node: GraphNode, inputs: Tensor[]): Tensor {
  const { numpy: np, nn } = jax();
  switch (node.op) {
    case "conv2d":
      return conv2d(inputs[0], inputs[1], { stride: node.stride, dilation: node.dilation, groups: node.groups });
    case "dense":
      return dense(inputs[0], node.transposed ? inputs[1].transpose([1, 0]) : inputs[1], inputs[2]);
    case "addBatchless":
    case "add":
      return inputs[0].add(inputs[1]);
    case "layerNorm":
      return layerNorm(inputs[0], inputs[1], inputs[2], node.epsilon);
    case "activation":
      return activate(node.fn, inputs[0]);
    case "pool":
      return pool2d(inputs[0], node.mode, node.kernel, node.stride, node.padding);
    case "globalPool": {
      const x = inputs[0];
      return x.mean(Array.from({ length: x.ndim - 2 }, (_, i) => i + 1));
    }
    case "flatten":
      return inputs[0].reshape([inputs[0].shape[0], -1]);
    case "scaleChannels": {
      const [x, gate] = inputs;
      const [n, , , c] = x.shape;
      return x.mul(gate.reshape([n, 1, 1, c]));
    }
    case "channelShuffle":
      return channelShuffle(inputs[0], node.groups);
    case "sliceChannels":
      return inputs[0].slice(...inputs[0].shape.slice(0, -1).map(() => [] as []), [node.start, node.start + node.count]);
    case "concat":
      return np.concatenate(inputs, -1);
    case "patches":
      return patches(inputs[0], node.patch);
    case "attention":
      return selfAttention(inputs[0], node.heads, inputs[1], inputs[2], inputs[3], inputs[4], node.kvHeads ?? node.heads, node.causal ?? false, node.headDim);
    case "embedding":
      return embedding(inputs[0], inputs[1]);
    case "reshape":
      return inputs[0].reshape([inputs[0].shape[0], ...node.shape]);
    case "zeros":
      return np.zerosLike(inputs[0]);
    case "softmax":
      return nn.softmax(inputs[0], -1);
    case "weightedSum": {
      const [w, ...terms] = inputs;
      const sum = terms.map((t, i) => t.mul(w.ref.slice(i))).reduce((a, b) => a.add(b));
      w.dispose();
      return sum;
    }
    default:
      throw new Error(`the jax engine has no primitive '${node.op}'`);
  }
}

export function activate(fn: Activation, x: Tensor): Tensor {
  const nn = jax().nn;
  switch (fn) {
    case "relu":
      return nn.relu(x);
    case "relu6":
      return nn.relu6(x);
    case "hswish":
      return nn.hardSwish(x);
    case "hsigmoid":
      return nn.hardSigmoid(x);
    case "gelu":
      return nn.gelu(x);
    case "sigmoid":
      return nn.sigmoid(x);
  }
}
