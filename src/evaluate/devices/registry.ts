import { NascentError } from "../../core/errors.js";
import type { LatencyDevice } from "./device.js";
import { ChromiumWasmDevice } from "./chromium-wasm.js";
import { WEBGPU_BACKEND } from "./chromium-webgpu.js";
import { EngineDevice } from "./engine.js";
import { OrtNodeDevice } from "./ort-node.js";

/** Devices by name: `engine`, `ort-node` (all threads), `ort-node:N` (N intra-op threads), `chromium-wasm`, `chromium-webgpu`. */
export function resolveDevice(name: string): LatencyDevice {
  if (name === "engine") return new EngineDevice();
  if (name === "chromium-wasm") return new ChromiumWasmDevice();
  if (name === "chromium-webgpu") return new ChromiumWasmDevice(WEBGPU_BACKEND);
  if (name === "ort-node") return new OrtNodeDevice(0);
  const threads = /^ort-node:(\d+)$/.exec(name);
  if (threads && Number(threads[1]) >= 1) return new OrtNodeDevice(Number(threads[1]));
  throw new NascentError(`unknown latency device '${name}' (expected engine, ort-node, ort-node:N chromium-wasm or chromium-webgpu)`);
}
