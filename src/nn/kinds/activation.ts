import { registerKind } from "./registry.js";

/** GELU is the tanh approximation (jax's default; PyTorch's approximate="tanh"). */
export type { Activation } from "../graph/values.js";
import type { Activation } from "../graph/values.js";

export interface ActivationLayer {
  kind: "activation";
  fn: Activation;
}

/** Dropout (inverted: kept units scaled by 1 / (1 - rate)); the identity in eval mode. */
export interface DropoutLayer {
  kind: "dropout";
  rate: number;
}

declare module "./registry.js" {
  interface LayerKinds {
    activation: ActivationLayer;
    dropout: DropoutLayer;
  }
}

registerKind<ActivationLayer>({
  kind: "activation",
  output: (_, input) => input,
  lower: (layer, x, context) => context.graph.add({ op: "activation", fn: layer.fn }, [x], context.path, context.shape(x)),
});

registerKind<DropoutLayer>({
  kind: "dropout",
  output: (_, input) => input,
  lower: (layer, x, context) => (layer.rate === 0 ? x : context.graph.add({ op: "dropout", rate: layer.rate }, [x], context.path, context.shape(x))),
});
