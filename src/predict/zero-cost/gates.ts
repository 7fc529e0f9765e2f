import type { Graph, GraphNode } from "../../nn/graph/graph.js";

/** A gate of the rewritten graph: the node whose output channels it scales, its channel count, and where its values start in the input. */
export interface InputGate {
  node: number;
  width: number;
  offset: number;
}

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * Rewrites `graph` so that the outputs of nodes `gated` (distinct ids) are multiplied by a gate m[n, k] per
 * example and output channel (the last axis), the gates arriving through the input: the new input is a
 * vector of the image's H·W·C values followed by every gate's values. Fed m = 1 the network is unchanged,
 * and an input-gradient pass returns ∂L/∂m for each example, which no parameter gradient gives
 * (parameters are shared by the batch).
 */
export function inputGates(graph: Graph, gated: readonly number[], mode: "channels" | "replace" = "channels"): { graph: Graph; gates: InputGate[]; imageSize: number } {
  const imageSize = size(graph.input);
  const byNode = new Map<number, InputGate>();
  let offset = imageSize;
  for (const node of gated) {
    const width = mode === "channels" ? (graph.nodes[node].shape.at(-1) as number) : size(graph.nodes[node].shape);
    byNode.set(node, { node, width, offset });
    offset += width;
  }
  const nodes: GraphNode[] = [];
  const push = (node: GraphNode) => nodes.push(node) - 1;
  const input = push({ op: "input", inputs: [], path: "", shape: [offset] });
  const pixels = push({ op: "sliceChannels", start: 0, count: imageSize, inputs: [input], path: "", shape: [imageSize] });
  const image = push({ op: "reshape", inputs: [pixels], path: "", shape: [...graph.input] });
  // x [..., C] times a per-example gate [C]: scaleChannels, on an image view [rows, 1, C] for vectors and tokens.
  const scale = (x: number, gate: InputGate, node: GraphNode): number => {
    const m = push({ op: "sliceChannels", start: gate.offset, count: gate.width, inputs: [input], path: node.path, shape: [gate.width] });
    if (node.shape.length === 3 && gate.width === node.shape[2]) return push({ op: "scaleChannels", inputs: [x, m], path: node.path, shape: node.shape });
    const view = [size(node.shape) / gate.width, 1, gate.width];
    const asImage = push({ op: "reshape", inputs: [x], path: node.path, shape: view });
    const scaled = push({ op: "scaleChannels", inputs: [asImage, m], path: node.path, shape: view });
    return push({ op: "reshape", inputs: [scaled], path: node.path, shape: node.shape });
  };
  const mapped: number[] = [];
  graph.nodes.forEach((node, id) => {
    const gate = byNode.get(id);
    if (node.op === "input") mapped[id] = image;
    else if (gate && mode === "replace") mapped[id] = scale(mapped[node.inputs[0]], gate, node);
    else {
      const y = push({ ...node, inputs: node.inputs.map((i) => mapped[i]) });
      mapped[id] = gate ? scale(y, gate, node) : y;
    }
  });
  return { graph: { ...graph, nodes, input: [offset], output: mapped[graph.output] }, gates: [...byNode.values()], imageSize };
}

/** The rewritten graph's input for `count` images: per example, the image's values then every gate at 1. */
export function gatedInput(images: Float32Array, count: number, imageSize: number, width: number): Float32Array {
  const x = new Float32Array(count * width).fill(1);
  for (let i = 0; i < count; i++) x.set(images.subarray(i * imageSize, (i + 1) * imageSize), i * width);
  return x;
}
