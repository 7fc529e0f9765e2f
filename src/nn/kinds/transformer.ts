import { image, registerKind, ShapeError, size } from "./registry.js";

/** ViT patch embedding: non-overlapping patches (zero-padded at the bottom/right edge) -> tokens of `dim`, plus a learned position embedding. */
export interface PatchEmbedLayer {
  kind: "patchEmbed";
  patch: number;
  dim: number;
}

/** Multi-head self-attention on [T, D], with output projection (Vaswani et al. 2017). */
export interface AttentionLayer {
  kind: "attention";
  heads: number;
}

declare module "./registry.js" {
  interface LayerKinds {
    patchEmbed: PatchEmbedLayer;
    attention: AttentionLayer;
  }
}

const tokens = (h: number, w: number, patch: number) => Math.ceil(h / patch) * Math.ceil(w / patch);

registerKind<PatchEmbedLayer>({
  kind: "patchEmbed",
  output(layer, input, { path }) {
    const [h, w] = image(input, path || "patchEmbed");
    return [tokens(h, w, layer.patch), layer.dim];
  },
  params(layer, input, output) {
    const fanIn = layer.patch * layer.patch * input[2];
    return [
      { leaf: "w", shape: [fanIn, layer.dim], init: "lecun", fanIn },
      { leaf: "b", shape: [layer.dim], init: "zeros", fanIn },
      { leaf: "position", shape: output.slice(), init: "normal02", fanIn: 1 },
    ];
  },
  macs: (layer, input, output) => size(output) * (layer.patch * layer.patch * input[2] + 1),
  lower(layer, x, context) {
    const { graph, path } = context;
    const [h, w, c] = context.shape(x);
    const t = tokens(h, w, layer.patch);
    const patches = graph.add({ op: "patches", patch: layer.patch }, [x], path, [t, layer.patch * layer.patch * c]);
    const embedded = graph.add({ op: "dense" }, [patches, context.param("w"), context.param("b")], path, [t, layer.dim]);
    return graph.add({ op: "addBatchless" }, [embedded, context.param("position")], path, [t, layer.dim]);
  },
});

registerKind<AttentionLayer>({
  kind: "attention",
  output(layer, input, { path }) {
    if (input.length !== 2) throw new ShapeError(`${path || "attention"}: attention expects tokens [T, D], got [${input.join(", ")}]`);
    if (input[1] % layer.heads) throw new ShapeError(`${path || "attention"}: dim ${input[1]} does not split into ${layer.heads} heads`);
    return input;
  },
  params(_, input) {
    const d = input[1];
    return [
      { leaf: "wqkv", shape: [d, 3 * d], init: "lecun", fanIn: d },
      { leaf: "bqkv", shape: [3 * d], init: "zeros", fanIn: d },
      { leaf: "wo", shape: [d, d], init: "lecun", fanIn: d },
      { leaf: "bo", shape: [d], init: "zeros", fanIn: d },
    ];
  },
  // qkv and output projections, then QK^T and attention x V.
  macs: (_, [t, d]) => t * d * (3 * d + 1) + t * d * (d + 1) + 2 * t * t * d,
  lower(layer, x, context) {
    const inputs = [x, context.param("wqkv"), context.param("bqkv"), context.param("wo"), context.param("bo")];
    return context.graph.add({ op: "attention", heads: layer.heads }, inputs, context.path, context.shape(x));
  },
});
