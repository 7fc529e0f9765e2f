import { image, registerKind, ShapeError } from "./registry.js";

/** Squeeze-and-excitation (Hu et al. 2018): x * hsigmoid(W2 relu(W1 mean(x))). */
export interface SqueezeExciteLayer {
  kind: "squeezeExcite";
  reduced: number;
}

/** ShuffleNet's channel shuffle (Zhang et al. 2018). */
export interface ChannelShuffleLayer {
  kind: "channelShuffle";
  groups: number;
}

declare module "./registry.js" {
  interface LayerKinds {
    squeezeExcite: SqueezeExciteLayer;
    channelShuffle: ChannelShuffleLayer;
  }
}

registerKind<SqueezeExciteLayer>({
  kind: "squeezeExcite",
  output(_, input, { path }) {
    image(input, path || "squeezeExcite");
    return input;
  },
  params(layer, input) {
    const channels = input[2];
    return [
      { leaf: "w1", shape: [channels, layer.reduced], init: "lecun", fanIn: channels },
      { leaf: "b1", shape: [layer.reduced], init: "zeros", fanIn: channels },
      { leaf: "w2", shape: [layer.reduced, channels], init: "lecun", fanIn: layer.reduced },
      { leaf: "b2", shape: [channels], init: "zeros", fanIn: layer.reduced },
    ];
  },
  macs: (layer, input) => 2 * input[2] * layer.reduced + layer.reduced + input[2],
  lower(layer, x, context) {
    const { graph, path } = context;
    const c = context.shape(x)[2];
    const squeezed = graph.add({ op: "globalPool" }, [x], path, [c]);
    const hidden = graph.add({ op: "dense" }, [squeezed, context.param("w1"), context.param("b1")], path, [layer.reduced]);
    const activated = graph.add({ op: "activation", fn: "relu" }, [hidden], path, [layer.reduced]);
    const logits = graph.add({ op: "dense" }, [activated, context.param("w2"), context.param("b2")], path, [c]);
    const gate = graph.add({ op: "activation", fn: "hsigmoid" }, [logits], path, [c]);
    return graph.add({ op: "scaleChannels" }, [x, gate], path, context.shape(x));
  },
});

registerKind<ChannelShuffleLayer>({
  kind: "channelShuffle",
  output(layer, input, { path }) {
    if ((input.at(-1) as number) % layer.groups) throw new ShapeError(`${path || "channelShuffle"}: ${input.at(-1)} channels do not split into ${layer.groups} groups`);
    return input;
  },
  lower: (layer, x, context) => context.graph.add({ op: "channelShuffle", groups: layer.groups }, [x], context.path, context.shape(x)),
});
