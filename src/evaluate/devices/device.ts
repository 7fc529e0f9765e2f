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

/**
 * A network ready to run on a device: `run` does one batch-1 inference and resolves when its output is read,
 * to the inference's time in ms where the device times itself (in a browser page), else to nothing.
 */
export interface PreparedNetwork {
  run(): Promise<number | void>;
  close(): Promise<void>;
}

/**
 * A latency device: something that runs a nascent network and is timed by the shared protocol
 * (`measureLatency`). A new device is one new file registered in `devices/registry.ts`.
 */
export interface LatencyDevice {
  readonly name: string;
  /** Whether runs execute in this process (so its CPU time around a run is the run's); false for a browser. */
  readonly inProcess: boolean;
  describe(): DeviceDescription;
  prepare(network: Layer, input: Shape, weights: WeightMap): Promise<PreparedNetwork>;
  /** Releases what the device started (a browser, a server). */
  close?(): Promise<void>;
}
