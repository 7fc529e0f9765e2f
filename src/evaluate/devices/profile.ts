import { engine, initJaxNetwork as initNetwork, loadEngine } from "../../nn/engine/jax/direct.js";
import { weightsOf } from "../../export/onnx/export.js";
import { buildNetwork } from "../../nn/builders/index.js";
import type { Layer, Shape } from "../../nn/layers.js";
import type { Space } from "../../space/space.js";
import { Rng } from "../../core/rng.js";
import type { LatencyDevice } from "./device.js";
import type { LatencyStore, StoredLatency } from "./latency-store.js";
import { CLOCKS, DEFAULT_MEASURE, measureLatency, type ClockName, type MeasureOptions } from "./protocol.js";

/** Measures one network on a device under the shared protocol and stores the result. */
export async function profileNetwork(device: LatencyDevice, network: Layer, input: Shape, store: LatencyStore | undefined, options: MeasureOptions = DEFAULT_MEASURE, clock: ClockName = "wall"): Promise<StoredLatency | (Omit<StoredLatency, "networkKey" | "measuredAt"> & { networkKey?: string })> {
  await loadEngine();
  const { params, state } = initNetwork(network, input, Rng.derive("latency weights"));
  const weights = await weightsOf(params, state);
  engine().tree.dispose([params, state]);
  const prepared = await device.prepare(network, input, weights);
  try {
    const measured = await measureLatency(() => prepared.run(), options, CLOCKS[clock]);
    const description = { ...device.describe(), clock };
    if (store) return store.add(description, network, input, measured);
    return { ...measured, device: device.name, description, network, input: [...input], batch: 1 };
  } finally {
    await prepared.close();
  }
}

/** `count` configs sampled from a space with the seed, built for the dataset shape; the same list for the same seed. */
export function sampledNetworks(spaceName: string, space: Space<unknown>, count: number, seed: number, shape: [number, number, number], classes: number) {
  return Array.from({ length: count }, (_, i) => {
    const config = space.sample(Rng.derive("latency profile", seed, i));
    return { config, ...buildNetwork(spaceName, config, { shape, classes }) };
  });
}
