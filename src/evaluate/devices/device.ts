import type { WeightMap } from "../../export/onnx/export.js";
import type { Layer, Shape } from "../../nn/layers.js";

/** What was measured on: enough to tell two machines or two runtime versions apart. */
export interface DeviceDescription {
  device: string;
  runtime: string;
  cpu: string;
  threads: number;
  [detail: string]: string | number;
}

/** A network ready to run on a device: `run` does one batch-1 inference and resolves when its output is read. */
export interface PreparedNetwork {
  run(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A latency device: something that runs a nascent network and is timed by the shared protocol
 * (`measureLatency`). A new device is one new file registered in `devices/registry.ts`.
 */
export interface LatencyDevice {
  readonly name: string;
  describe(): DeviceDescription;
  prepare(network: Layer, input: Shape, weights: WeightMap): Promise<PreparedNetwork>;
}
