import { cpus } from "node:os";
import type { WeightMap } from "../../export/onnx/export.js";
import type { HostTensors } from "../../nn/engine/engine.js";
import { loadEngine } from "../../nn/engine/index.js";
import { lowerNetwork } from "../../nn/graph/lower.js";
import { describeParams, type Layer, type Shape } from "../../nn/layers.js";
import type { DeviceDescription, LatencyDevice, PreparedNetwork } from "./device.js";

/**
 * nascent's own inference: the network compiled by the active engine (torch unless NASCENT_ENGINE says jax),
 * eval-mode `forward` of batch 1, as nascent's trainer evaluates. Runs in this process on the engine's intra-op
 * threads (NASCENT_THREADS); on torch the call is synchronous, so with 1 thread the process's CPU time around
 * it is the inference's.
 */
export class EngineDevice implements LatencyDevice {
  readonly name = "engine";
  readonly inProcess = true;
  private runtime = "nascent engine";
  private threads = 0;

  describe(): DeviceDescription {
    return { device: this.name, runtime: this.runtime, cpu: cpus()[0]?.model ?? "unknown", threads: this.threads };
  }

  async prepare(network: Layer, input: Shape, weights: WeightMap): Promise<PreparedNetwork> {
    const engine = await loadEngine();
    this.runtime = `nascent ${engine.name} engine (${engine.version})`;
    this.threads = engine.threads;
    const { params, state } = describeParams(network, input);
    const host = (infos: { name: string; shape: number[] }[]): HostTensors => Object.fromEntries(infos.map((i) => [i.name, { shape: [...i.shape], data: Float32Array.from(weights[i.name]) }]));
    const model = engine.compile(lowerNetwork(network, input), { params: host(params), state: host(state) }, { optimizer: { name: "sgd", momentum: 0, nesterov: false, weightDecay: 0 }, seed: 0 });
    const x = new Float32Array(input.reduce((a, b) => a * b, 1)).fill(0.5);
    return {
      run: async () => {
        await model.forward(x, 1, false);
      },
      close: async () => model.dispose(),
    };
  }
}
