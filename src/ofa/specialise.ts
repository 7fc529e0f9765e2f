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
  const flops = /^(?:flops|macs)<=([\d.]+)$/.exec(text.replace(/\s+/g, ""));
  const limit = Number((latency ?? flops)?.at(-1));
  if ((latency || flops) && !(Number.isFinite(limit) && limit > 0)) throw new NascentError(`--constraint '${text}': the limit must be a positive number`);
  if (latency) return { metric: "latency", device: latency[1], limit, text };
  if (flops) return { metric: "flops", limit, text };
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

/**
 * OFA's specialisation: evolution on predicted accuracy among sub-networks whose predicted cost meets `limit`
 * (default the budget's own; `specialiseMeasured` tightens it), `round` giving a retry its own random stream.
 */
export function specialise(predictor: AccuracyPredictor, cost: CostModel, budget: Budget, seed: number, options: OfaEvolutionOptions, limit = budget.limit, round = 0) {
  const rng = round === 0 ? Rng.derive(seed, "ofa search", budget.text) : Rng.derive(seed, "ofa search", budget.text, round);
  try {
    return evolutionSearch((c) => predictor.predict(c), (c) => cost.predict(c) <= limit, rng, options);
  } catch (error) {
    throw error instanceof NascentError ? new NascentError(`${budget.text}: ${error.message}`) : error;
  }
}

/** One search of `specialiseMeasured`: the limit the predicted cost had to meet, and what the winner measured. */
export interface SpecialiseRound {
  limit: number;
  config: OfaConfig;
  predictedCost: number;
  measuredCost: number;
}

/** Why `specialiseMeasured` stopped searching. */
export type SpecialiseStop = "met" | "rounds" | "no sub-network under the tightened limit" | "latency predictor not positive at the winner";

/**
 * Specialisation that holds when measured. A latency predictor fitted on a few dozen sub-networks errs by
 * 5-60% near a budget (docs/ofa.md), so the winner under the predicted limit may miss the real one. Search,
 * measure the winner; while it misses, search again under the limit predicted(winner) * budget / measured
 * (the predictor's error at the winner, taken as a ratio), at most `rounds` searches. It also stops when the
 * tightened limit leaves no sub-network to draw, or when the predictor gives the winner a cost <= 0 (a
 * linear fit extrapolated below its data: no ratio can correct it). `stop` says which. The result is the
 * first winner that met the budget, else the one that measured lowest, with `meetsBudget` false. Exact costs
 * (FLOPs) stop after one round. `measure` cuts and measures a config; its result is returned for the chosen
 * one (no second measurement). Throws only when the first search finds nothing under the budget itself.
 */
export async function specialiseMeasured<M extends { measuredCost: number }>(predictor: AccuracyPredictor, cost: CostModel, budget: Budget, seed: number, options: OfaEvolutionOptions, measure: (config: OfaConfig) => Promise<M>, rounds = 4) {
  if (!Number.isInteger(rounds) || rounds < 1) throw new NascentError(`rounds must be a positive integer, got ${rounds}`);
  const history: SpecialiseRound[] = [];
  const found: { config: OfaConfig; fitness: number; measured: M }[] = [];
  let limit = budget.limit;
  let stop: SpecialiseStop = "rounds";
  for (let round = 0; round < rounds; round++) {
    let winner: { config: OfaConfig; fitness: number };
    try {
      winner = specialise(predictor, cost, budget, seed, options, limit, round);
    } catch (error) {
      if (round > 0 && error instanceof NascentError) {
        stop = "no sub-network under the tightened limit";
        break;
      }
      throw error;
    }
    const measured = await measure(winner.config);
    const predictedCost = cost.predict(winner.config);
    history.push({ limit, config: winner.config, predictedCost, measuredCost: measured.measuredCost });
    found.push({ config: winner.config, fitness: winner.fitness, measured });
    if (measured.measuredCost <= budget.limit) {
      stop = "met";
      break;
    }
    if (!(predictedCost > 0)) {
      stop = "latency predictor not positive at the winner";
      break;
    }
    limit = Math.min(limit, predictedCost) * (budget.limit / measured.measuredCost);
  }
  const chosen = stop === "met" ? found[found.length - 1] : found.reduce((best, f) => (f.measured.measuredCost < best.measured.measuredCost ? f : best));
  return { ...chosen, meetsBudget: chosen.measured.measuredCost <= budget.limit, stop, rounds: history };
}
