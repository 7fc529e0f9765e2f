import { type Tensor, type TensorMap, engine, forward, loadEngine } from "../../nn/engine/jax/direct.js";
import { cpus } from "node:os";
import type { WeightMap } from "../../export/onnx/export.js";
import { describeParams, type Layer, type Shape } from "../../nn/layers.js";
import type { DeviceDescription, LatencyDevice, PreparedNetwork } from "./device.js";

/**
 * nascent's own inference: the public `forward` in eval mode on the current engine (jax-js on wasm), compiled
 * with the engine's `jit` as nascent's trainer compiles its evaluation (the compile happens in the warm-up).
 */
export class EngineDevice implements LatencyDevice {
  readonly name = "engine";

  describe(): DeviceDescription {
    return { device: this.name, runtime: "nascent nn forward (jax-js wasm)", cpu: cpus()[0]?.model ?? "unknown", threads: Number(process.env.NASCENT_THREADS ?? cpus().length) };
  }

  async prepare(network: Layer, input: Shape, weights: WeightMap): Promise<PreparedNetwork> {
    await loadEngine();
    const { numpy: np, tree, jit } = engine();
    const infer = jit((p: TensorMap, s: TensorMap, x: Tensor) => forward(network, p, s, x, { training: false }).y);
    const { params: paramInfo, state: stateInfo } = describeParams(network, input);
    const tensors = (infos: { name: string; shape: number[] }[]): TensorMap => Object.fromEntries(infos.map((i) => [i.name, np.array(weights[i.name]).reshape(i.shape)]));
    const params = tensors(paramInfo);
    const state = tensors(stateInfo);
    const x = new Float32Array(input.reduce((a, b) => a * b, 1)).fill(0.5);
    return {
      run: async () => {
        await infer(tree.ref(params), tree.ref(state), np.array(x).reshape([1, ...input])).data();
      },
      close: async () => {
        tree.dispose([params, state]);
        infer.dispose();
      },
    };
  }
}
