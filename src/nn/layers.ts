/**
 * A network is plain data: a tree of layers that can be stored as JSON, counted (params, FLOPs,
 * activation memory) without a tensor engine, initialised, lowered to engine primitives and run. Images
 * are NHWC; token sequences are [tokens, dim]; shapes here never include the batch axis. The layer kinds
 * are open: see kinds/registry.ts.
 */
import "./kinds/index.js";
import { joinPath, kindOf, size, type Layer, type ParamInfo, type Shape } from "./kinds/registry.js";

export type { Layer, ParamInfo, Shape, Init } from "./kinds/registry.js";
export { ShapeError, registerKind, type LayerKind, type LayerKinds } from "./kinds/registry.js";
export type * from "./kinds/index.js";
export { convOutputSize } from "./kinds/conv.js";

export interface LayerCost {
  /** Trainable parameters (NB201 convention: BatchNorm's affine weights count, running statistics do not). */
  params: number;
  /** Multiply-adds of conv and dense layers (a bias add counts as one), NB201's "FLOPs". */
  macs: number;
  /** Float32 bytes of every layer output for one input. */
  activationBytes: number;
}

/** Walks a network (children before parents), giving each layer its input and output shape and its path. */
export function walk(layer: Layer, input: Shape, visit: (layer: Layer, input: Shape, output: Shape, path: string) => void, path = ""): Shape {
  const output = kindOf(layer, path).output(layer, input, {
    path,
    at: (child) => joinPath(path, child),
    child: (childLayer, childInput, childPath) => walk(childLayer, childInput, visit, childPath),
  });
  visit(layer, input, output, path);
  return output;
}

/** The parameters a layer owns (not its children's), in a fixed order. */
export function ownParams(layer: Layer, input: Shape, output: Shape, path: string): ParamInfo[] {
  return (kindOf(layer, path).params?.(layer, input, output) ?? []).map(({ leaf, ...info }) => ({ name: joinPath(path, leaf), ...info }));
}

/** Running statistics (not trained by gradient): BatchNorm's mean and variance. */
export function ownState(layer: Layer, input: Shape, path: string): ParamInfo[] {
  return (kindOf(layer, path).state?.(layer, input) ?? []).map(({ leaf, ...info }) => ({ name: joinPath(path, leaf), ...info }));
}

/** Parameters, multiply-adds and activation memory of a network on one input of `input` shape. */
export function countCost(network: Layer, input: Shape): LayerCost & { output: Shape } {
  const cost: LayerCost = { params: 0, macs: 0, activationBytes: 0 };
  const output = walk(network, input, (layer, layerInput, layerOutput, path) => {
    const kind = kindOf(layer, path);
    for (const p of ownParams(layer, layerInput, layerOutput, path)) cost.params += size(p.shape);
    cost.macs += kind.macs?.(layer, layerInput, layerOutput) ?? 0;
    if (!kind.passesThrough) cost.activationBytes += 4 * size(layerOutput);
  });
  return { ...cost, output };
}

/** Every trainable parameter and every running statistic of a network, in a fixed order. */
export function describeParams(network: Layer, input: Shape): { params: ParamInfo[]; state: ParamInfo[]; output: Shape } {
  const params: ParamInfo[] = [];
  const state: ParamInfo[] = [];
  const output = walk(network, input, (layer, layerInput, layerOutput, path) => {
    params.push(...ownParams(layer, layerInput, layerOutput, path));
    state.push(...ownState(layer, layerInput, path));
  });
  return { params, state, output };
}
