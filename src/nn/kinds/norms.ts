import { registerKind, ShapeError } from "./registry.js";

export const BATCH_NORM_EPSILON = 1e-5;
export const BATCH_NORM_MOMENTUM = 0.1;

/** Batch norm over N, H, W with affine parameters and running statistics (biased batch variance). */
export interface BatchNormLayer {
  kind: "batchNorm";
}

/** Layer norm over the last axis with affine parameters. */
export interface LayerNormLayer {
  kind: "layerNorm";
}

declare module "./registry.js" {
  interface LayerKinds {
    batchNorm: BatchNormLayer;
    layerNorm: LayerNormLayer;
  }
}

const affine = (input: readonly number[]) => {
  const channels = input.at(-1) as number;
  return [
    { leaf: "gamma", shape: [channels], init: "ones" as const, fanIn: 1 },
    { leaf: "beta", shape: [channels], init: "zeros" as const, fanIn: 1 },
  ];
};

const needsChannels = (input: readonly number[], path: string, kind: string) => {
  if (input.length === 0) throw new ShapeError(`${path || kind}: nothing to normalise in a scalar input`);
  return input;
};

registerKind<BatchNormLayer>({
  kind: "batchNorm",
  output: (_, input, { path }) => needsChannels(input, path, "batchNorm"),
  params: (_, input) => affine(input),
  state(_, input) {
    const channels = input.at(-1) as number;
    return [
      { leaf: "mean", shape: [channels], init: "zeros", fanIn: 1 },
      { leaf: "var", shape: [channels], init: "ones", fanIn: 1 },
    ];
  },
  lower(_, x, context) {
    const at = (leaf: string) => (context.path ? `${context.path}.${leaf}` : leaf);
    const primitive = { op: "batchNorm" as const, momentum: BATCH_NORM_MOMENTUM, epsilon: BATCH_NORM_EPSILON, mean: at("mean"), variance: at("var") };
    const inputs = [x, context.param("gamma"), context.param("beta"), context.state("mean"), context.state("var")];
    return context.graph.add(primitive, inputs, context.path, context.shape(x));
  },
});

registerKind<LayerNormLayer>({
  kind: "layerNorm",
  output: (_, input, { path }) => needsChannels(input, path, "layerNorm"),
  params: (_, input) => affine(input),
  lower: (_, x, context) => context.graph.add({ op: "layerNorm", epsilon: 1e-5 }, [x, context.param("gamma"), context.param("beta")], context.path, context.shape(x)),
});
