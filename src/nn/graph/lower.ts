import { describeParams } from "../layers.js";
import { joinPath, kindOf, type Layer, type Shape } from "../kinds/registry.js";
import { GraphBuilder, type Graph, type ValueId } from "./graph.js";

/**
 * Lowers a network to engine primitives (see graph.ts). Shapes are checked first (a ShapeError names the
 * layer), so engines only ever see graphs whose shapes fit. Each parameter is read by one `param` node.
 */
export function lowerNetwork(network: Layer, input: Shape): Graph {
  const { params, state } = describeParams(network, input);
  const graph = new GraphBuilder();
  const x = graph.add({ op: "input" }, [], "", input);
  const lower = (layer: Layer, value: ValueId, path: string): ValueId =>
    kindOf(layer, path).lower(layer, value, {
      graph,
      path,
      at: (child) => joinPath(path, child),
      param: (leaf) => graph.add({ op: "param", name: joinPath(path, leaf) }, [], path, shapeOf(params, joinPath(path, leaf))),
      state: (leaf) => graph.add({ op: "state", name: joinPath(path, leaf) }, [], path, shapeOf(state, joinPath(path, leaf))),
      child: lower,
      shape: (v) => graph.shape(v),
    });
  const output = lower(network, x, "");
  return { nodes: graph.nodes, output, input: [...input], params, state };
}

function shapeOf(infos: { name: string; shape: number[] }[], name: string): number[] {
  const info = infos.find((p) => p.name === name);
  if (!info) throw new Error(`layer parameter '${name}' is used but not declared by its kind`);
  return info.shape;
}
