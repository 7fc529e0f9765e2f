import { NascentError } from "../core/errors.js";
import { Rng } from "../core/rng.js";
import { resolveDevice } from "../evaluate/devices/registry.js";
import type { MeasureOptions } from "../evaluate/devices/protocol.js";
import type { Weights } from "../nn/engine/engine.js";
import { fitSubnetLatency, macsOf, measureSubnet, predictSubnetLatency } from "./efficiency.js";
import { evolutionSearch, randomConfig, type OfaEvolutionOptions } from "./evolution.js";
import type { OfaConfig, OfaShape } from "./network.js";
import type { AccuracyPredictor } from "./predictor.js";

/** A budget: `latency:DEVICE<=MS` (batch-1 median, process CPU time) or `flops<=MMACS` (million multiply-accumulates). */
export interface Budget {
  metric: "latency" | "flops";
  device?: string;
  limit: number;
  text: string;
}

export function parseBudget(text: string): Budget {
  const latency = /^latency:([\w:.-]+)<=([\d.]+)$/.exec(text.replace(/\s+/g, ""));
  if (latency) return { metric: "latency", device: latency[1], limit: Number(latency[2]), text };
  const flops = /^(?:flops|macs)<=([\d.]+)$/.exec(text.replace(/\s+/g, ""));
  if (flops) return { metric: "flops", limit: Number(flops[1]), text };
  throw new NascentError(`--constraint '${text}': expected latency:DEVICE<=MS or flops<=MMACS`);
}

/** How a budget is predicted during search and measured afterwards. */
export interface CostModel {
  predict(config: OfaConfig): number;
  measure(config: OfaConfig, weights: Weights): Promise<number>;
  /** What the latency predictor was fitted on (measured sub-networks), when there is one. */
  fittedOn?: { config: OfaConfig; ms: number }[];
  /** Releases the device (a browser, a session). */
  close(): Promise<void>;
}

export const MEASURE_QUICK: MeasureOptions = { warmup: 3, minRepeats: 10, maxRepeats: 200, relativeError: 0.03, timeCapMs: 1500 };

/**
 * The cost model of a budget: MACs counted exactly; latency by issue 15's linear predictor on network
 * features, fitted on `samples` random sub-networks measured on the device (process CPU clock: robust on a
 * shared machine), then checked by measuring the winner.
 */
export async function costModel(budget: Budget, shape: OfaShape, weightsOf: (c: OfaConfig) => Weights, samples: number, seed: number, onMeasured?: (i: number) => void): Promise<CostModel> {
  if (budget.metric === "flops") return { predict: (c) => macsOf(shape, c) / 1e6, measure: async (c) => macsOf(shape, c) / 1e6, close: async () => {} };
  const device = resolveDevice(budget.device as string);
  const close = async () => void (await device.close?.());
  try {
    const rng = Rng.derive(seed, "ofa latency samples", budget.device as string);
    const fittedOn: { config: OfaConfig; ms: number }[] = [];
    for (let i = 0; i < samples; i++) {
      const config = randomConfig(rng);
      fittedOn.push({ config, ms: await measureSubnet(device, shape, config, weightsOf(config), MEASURE_QUICK, "process-cpu") });
      onMeasured?.(i + 1);
    }
    const predictor = fitSubnetLatency(device.name, shape, fittedOn.map((f) => f.config), fittedOn.map((f) => f.ms));
    return { predict: (c) => predictSubnetLatency(predictor, shape, c), measure: (c, w) => measureSubnet(device, shape, c, w, MEASURE_QUICK, "process-cpu"), fittedOn, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** OFA's specialisation: evolution on predicted accuracy among sub-networks whose predicted cost meets the budget. */
export function specialise(predictor: AccuracyPredictor, cost: CostModel, budget: Budget, seed: number, options: OfaEvolutionOptions) {
  return evolutionSearch((c) => predictor.predict(c), (c) => cost.predict(c) <= budget.limit, Rng.derive(seed, "ofa search", budget.text), options);
}
