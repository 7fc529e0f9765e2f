import type { InferenceSession, Tensor } from "onnxruntime-common";

/** What nascent uses of ONNX Runtime; onnxruntime-node and onnxruntime-web both provide it. */
export interface OnnxRuntime {
  readonly InferenceSession: typeof InferenceSession;
  readonly Tensor: typeof Tensor;
  /** "native" (onnxruntime-node's CPU binary) or "wasm" (onnxruntime-web). */
  readonly backend: "native" | "wasm";
}

let loaded: Promise<OnnxRuntime> | undefined;
/** A variable specifier: the build type-checks without the optional package, which npm may have dropped. */
const ORT_NODE = "onnxruntime-node";

/**
 * ONNX Runtime for the surrogate benchmarks: the native CPU build when onnxruntime-node installed, else the
 * WebAssembly build. onnxruntime-node is an optional dependency because its post-install script downloads
 * CUDA libraries from outside the npm registry on Linux x64 and fails where that is unreachable; npm then
 * drops it, and the same model runs on onnxruntime-web (2-5x slower; outputs equal to the native ones up
 * to float32 rounding, about 1e-6 relative).
 */
export function onnxRuntime(): Promise<OnnxRuntime> {
  loaded ??= (async () => {
    try {
      const native = (await import(ORT_NODE)) as { default?: OnnxRuntime } & OnnxRuntime;
      const ort = native.default ?? native;
      return { InferenceSession: ort.InferenceSession, Tensor: ort.Tensor, backend: "native" as const };
    } catch {
      return webOnnxRuntime();
    }
  })();
  return loaded;
}

/** The WebAssembly build alone (the fallback; also what tests compare the native build against). */
export async function webOnnxRuntime(): Promise<OnnxRuntime> {
  const web = (await import("onnxruntime-web")) as unknown as OnnxRuntime;
  return { InferenceSession: web.InferenceSession, Tensor: web.Tensor, backend: "wasm" };
}
