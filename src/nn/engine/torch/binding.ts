import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The addon's surface (native/torch/addon.cc). */
export interface TorchModelHandle {
  trainStep(x: Float32Array, count: number, labels: Int32Array, learningRate: number): number;
  forward(x: Float32Array, count: number, training: boolean): Float32Array;
  valueAndGrad(x: Float32Array, count: number, loss: "crossEntropy" | "dot", target: Int32Array | Float32Array, training: boolean, wrtInput: boolean): { value: number; grads: Float32Array[]; input?: Float32Array };
  getWeights(): { params: Float32Array[]; state: Float32Array[] };
  setWeights(params: Float32Array[], state: Float32Array[]): void;
  dispose(): void;
}

export interface TorchAddon {
  Model: new (graph: unknown, optimizer: unknown) => TorchModelHandle;
  version: string;
  parallelInfo: string;
  setThreads(threads: number): void;
  threads(): number;
}

/** The package root: the nearest folder above this file holding binding.gyp (src/ or dist/src/ layouts alike). */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "binding.gyp"))) {
    const parent = dirname(dir);
    if (parent === dir) return dir;
    dir = parent;
  }
  return dir;
}

export const ADDON_PATH = join(packageRoot(), "build", "Release", "nascent_torch.node");
export const BUILD_COMMAND = "apt-get install libtorch-dev (or set LIBTORCH=DIR to an unpacked libtorch), then npm run build:torch";

/** Loads the addon, or says why it cannot be loaded. */
export function loadTorchAddon(): { addon: TorchAddon } | { reason: string } {
  if (!existsSync(ADDON_PATH)) return { reason: `the torch addon is not built (${ADDON_PATH} is missing)` };
  try {
    return { addon: createRequire(import.meta.url)(ADDON_PATH) as TorchAddon };
  } catch (error) {
    const message = (error as Error).message.split("\n")[0];
    return { reason: /cannot open shared object|libtorch|libc10/.test(message) ? `libtorch not found at run time (${message})` : `the torch addon does not load (${message})` };
  }
}
