import { cpus } from "node:os";
import { NascentError } from "../../core/errors.js";
import { exportOnnx, type WeightMap } from "../../export/onnx/export.js";
import type { Layer, Shape } from "../../nn/layers.js";
import type { DeviceDescription, LatencyDevice, PreparedNetwork } from "./device.js";

/** The part of onnxruntime-node's API used here, typed by onnxruntime-common (a regular dependency). */
type OrtNode = Pick<typeof import("onnxruntime-common"), "InferenceSession" | "Tensor" | "env">;
let loaded: OrtNode | undefined;
/** A variable specifier: the build type-checks without the optional package, which npm may have dropped. */
const ORT_NODE = "onnxruntime-node";

/** onnxruntime-node is an optional dependency (its post-install downloads CUDA libraries): loaded when first used. */
async function ortNode(): Promise<OrtNode> {
  try {
    loaded ??= (await import(ORT_NODE)) as OrtNode;
    return loaded;
  } catch {
    throw new NascentError("the ort-node device needs onnxruntime-node, which is not installed (its post-install downloads CUDA libraries): run ONNXRUNTIME_NODE_INSTALL=skip npm install onnxruntime-node");
  }
}

/**
 * onnxruntime-node on the CPU (the runtime a Node service ships with): the exported ONNX model with all graph
 * optimisations (conv-BN-activation fusion among them), `threads` intra-op threads (0: onnxruntime's default,
 * one per core).
 */
export class OrtNodeDevice implements LatencyDevice {
  readonly name: string;
  readonly inProcess = true;

  constructor(private readonly threads: number) {
    this.name = threads === 0 ? "ort-node" : `ort-node:${threads}`;
  }

  describe(): DeviceDescription {
    return { device: this.name, runtime: `onnxruntime-node ${loaded?.env.versions.common ?? ""}`.trimEnd(), cpu: cpus()[0]?.model ?? "unknown", threads: this.threads || cpus().length };
  }

  async prepare(network: Layer, input: Shape, weights: WeightMap): Promise<PreparedNetwork> {
    const ort = await ortNode();
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
