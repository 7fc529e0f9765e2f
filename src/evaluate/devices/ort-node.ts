import { cpus } from "node:os";
import * as ort from "onnxruntime-node";
import { exportOnnx, type WeightMap } from "../../export/onnx/export.js";
import type { Layer, Shape } from "../../nn/layers.js";
import type { DeviceDescription, LatencyDevice, PreparedNetwork } from "./device.js";

/**
 * onnxruntime-node on the CPU (the runtime a Node service ships with): the exported ONNX model with all graph
 * optimisations (conv-BN-activation fusion among them), `threads` intra-op threads (0: onnxruntime's default,
 * one per core).
 */
export class OrtNodeDevice implements LatencyDevice {
  readonly name: string;

  constructor(private readonly threads: number) {
    this.name = threads === 0 ? "ort-node" : `ort-node:${threads}`;
  }

  describe(): DeviceDescription {
    return { device: this.name, runtime: `onnxruntime-node ${ort.env.versions.common}`, cpu: cpus()[0]?.model ?? "unknown", threads: this.threads || cpus().length };
  }

  async prepare(network: Layer, input: Shape, weights: WeightMap): Promise<PreparedNetwork> {
    const session = await ort.InferenceSession.create(exportOnnx(network, input, weights), {
      intraOpNumThreads: this.threads,
      interOpNumThreads: 1,
      executionMode: "sequential",
      graphOptimizationLevel: "all",
    });
    const size = input.reduce((a, b) => a * b, 1);
    const feeds = { [session.inputNames[0]]: new ort.Tensor("float32", new Float32Array(size).fill(0.5), [1, ...input]) };
    return {
      run: async () => {
        await session.run(feeds);
      },
      close: () => session.release(),
    };
  }
}
