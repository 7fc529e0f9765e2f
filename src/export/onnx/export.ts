import type { HostTensor } from "../../nn/engine/engine.js";
import { walk, type Layer, type Shape } from "../../nn/layers.js";
import { GraphBuilder } from "./graph.js";
import { LayerExporter, type WeightMap } from "./layers.js";

export type { WeightMap };

/**
 * Serialises a nascent network with its weights as an ONNX model (opset 17, IR 8). The model's input
 * `input` is float32 [batch, ...input] in nascent's layout (images NHWC, as nascent's forward takes them)
 * and its output `output` is [batch, ...network output]: the logits for a classifier. Inside, images run
 * NCHW as ONNX's Conv wants. `weights` holds every parameter and BatchNorm statistic by path.
 * Throws naming the layer path when a weight is missing or a layer cannot be expressed.
 */
export function exportOnnx(network: Layer, input: Shape, weights: WeightMap, docString = ""): Uint8Array {
  const output = walk(network, input, () => undefined);
  const g = new GraphBuilder();
  const inputName = g.name("input");
  const image = input.length === 3;
  const start = image ? g.op("Transpose", [inputName], { perm: [0, 3, 1, 2] }, "nchw") : inputName;
  const exporter = new LayerExporter(g, weights);
  const y = exporter.apply(network, { name: start, shape: input, layout: image ? "image" : input.length === 2 ? "tokens" : "vector" }, "");
  // A network that ends on an image map gives it back NHWC, as nascent's forward does.
  const result = y.layout === "image" ? g.op("Transpose", [y.name], { perm: [0, 2, 3, 1] }) : y.name;
  const named = g.op("Identity", [result], {}, "output");
  return g.encode({ name: inputName, shape: input }, { name: named, shape: output }, docString || JSON.stringify({ network, input }));
}

/** A device tensor that can be read without being consumed (a jax-js array: `.ref.data()`). */
interface ReadableTensor {
  readonly ref: { data(): Promise<unknown> };
}

const isHost = (t: HostTensor | ReadableTensor): t is HostTensor => "data" in t && t.data instanceof Float32Array;

/** Weights as plain float32 arrays, from host tensors (trained or initialised weights) or device tensors (kept). */
export async function weightsOf(params: Record<string, HostTensor | ReadableTensor>, state: Record<string, HostTensor | ReadableTensor>): Promise<WeightMap> {
  const entries = await Promise.all(
    Object.entries({ ...params, ...state }).map(async ([name, tensor]) =>
      [name, isHost(tensor) ? Float32Array.from(tensor.data) : Float32Array.from((await tensor.ref.data()) as Float32Array)] as const,
    ),
  );
  return Object.fromEntries(entries);
}
