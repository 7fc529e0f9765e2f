import { weightsOf } from "../../export/onnx/export.js";
import { buildNetwork } from "../../nn/builders/index.js";
import { initNetwork } from "../../nn/init.js";
import type { Layer, Shape } from "../../nn/layers.js";
import type { Space } from "../../space/space.js";
import { Rng } from "../../core/rng.js";
import type { LatencyDevice } from "./device.js";
import type { LatencyStore, StoredLatency } from "./latency-store.js";
import { CLOCKS, DEFAULT_MEASURE, measureLatency, type ClockName, type MeasureOptions } from "./protocol.js";

/**
 * Measures one network on a device under the shared protocol and stores the result. `clock` decides when the
 * measurement has converged and gives the stored median; an in-process device is timed on the other clock too,
 * over the same runs, and both are stored.
 */
export async function profileNetwork(device: LatencyDevice, network: Layer, input: Shape, store: LatencyStore | undefined, options: MeasureOptions = DEFAULT_MEASURE, clock: ClockName = "wall"): Promise<StoredLatency | (Omit<StoredLatency, "networkKey" | "measuredAt"> & { networkKey?: string })> {
  const { params, state } = initNetwork(network, input, Rng.derive("latency weights"));
  const weights = await weightsOf(params, state);
  const prepared = await device.prepare(network, input, weights);
  try {
    const beside = device.inProcess ? Object.fromEntries(Object.entries(CLOCKS).filter(([name]) => name !== clock)) : {};
    const measured = await measureLatency(() => prepared.run(), options, CLOCKS[clock], beside);
    if (device.inProcess) measured.clocks = { ...measured.clocks, [clock]: { medianMs: measured.medianMs, p90Ms: measured.p90Ms, p10Ms: measured.p10Ms } };
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
