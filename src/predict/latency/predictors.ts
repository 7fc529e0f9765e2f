import type { Rng } from "../../core/rng.js";
import { Mlp, type MlpJson } from "../../strategy/model/mlp.js";
import { DEFAULT_GBDT, fitGbdt, predictGbdt, type GbdtModel, type GbdtOptions } from "./gbdt.js";
import { fitLinearPredictor, predictLinear, type LinearPredictor } from "./linear-predictor.js";
import { NETWORK_FEATURES, type NetworkFeatures } from "./network-features.js";

/**
 * Network-wise latency predictors on architecture features (network-features.ts), saved as JSON with the
 * device and the names of the features they read (a predictor reads its features by name, so one saved with
 * an older feature list keeps working). `linear`: ridge on relative error (linear-predictor.ts). `gbdt`:
 * gradient-boosted trees (gbdt.ts) on log latency, boosted from the linear model. `mlp-ensemble`: 5 MLPs on standardised features
 * predicting log latency, averaged in log space (deep ensembles, Lakshminarayanan et al. 2017).
 */
export type LatencyPredictorKind = "linear" | "gbdt" | "mlp-ensemble";
export const PREDICTOR_KINDS: readonly LatencyPredictorKind[] = ["linear", "gbdt", "mlp-ensemble"];

interface Standardised {
  device: string;
  features: string[];
  trainedOn: number;
  mean: number[];
  scale: number[];
}
export interface GbdtPredictor extends Standardised {
  kind: "gbdt";
  version: 2;
  /** F_0 of the boosting: the linear predictor; the trees model log(latency / F_0). */
  base: LinearPredictor;
  model: GbdtModel;
}
export interface MlpEnsemblePredictor extends Standardised {
  kind: "mlp-ensemble";
  version: 2;
  members: MlpJson[];
}
export type LatencyPredictor = LinearPredictor | GbdtPredictor | MlpEnsemblePredictor;

export interface FitOptions {
  rng: Rng;
  gbdt?: GbdtOptions;
  /** Full-batch Adam epochs of each MLP (1500). */
  mlpEpochs?: number;
  features?: readonly string[];
}

const pick = (f: NetworkFeatures | Record<string, number>, names: readonly string[]) => names.map((name) => (f as Record<string, number>)[name] ?? 0);

function standardise(x: number[][]): { mean: number[]; scale: number[] } {
  const p = x[0].length;
  const mean = Array.from({ length: p }, (_, j) => x.reduce((s, row) => s + row[j], 0) / x.length);
  const scale = Array.from({ length: p }, (_, j) => Math.sqrt(x.reduce((s, row) => s + (row[j] - mean[j]) ** 2, 0) / x.length) || 1);
  return { mean, scale };
}
const applyScale = (p: { mean: number[]; scale: number[] }, row: number[]) => row.map((v, j) => (v - p.mean[j]) / p.scale[j]);

/** Fits a predictor of `kind` to measured networks (`features` per network, `latencyMs` measured). */
export function fitLatencyPredictor(kind: LatencyPredictorKind, device: string, features: readonly (NetworkFeatures | Record<string, number>)[], latencyMs: readonly number[], options: FitOptions): LatencyPredictor {
  const names = [...(options.features ?? NETWORK_FEATURES)];
  const x = features.map((f) => pick(f, names));
  if (kind === "linear") return fitLinearPredictor(device, names, x, latencyMs);
  const logY = latencyMs.map(Math.log);
  const standard = standardise(x);
  const z = x.map((row) => applyScale(standard, row));
  const base = { device, features: names, trainedOn: x.length, ...standard };
  if (kind === "gbdt") {
    // Trees cannot extrapolate past the training range, so they boost from the linear model (Friedman's F_0)
    // and fit what it leaves: log(latency / linear prediction).
    const linear = fitLinearPredictor(device, names, x, latencyMs);
    const residual = x.map((row, r) => logY[r] - Math.log(Math.max(1e-9, predictLinear(linear, row))));
    return { kind, version: 2, ...base, base: linear, model: fitGbdt(z, residual, options.gbdt ?? DEFAULT_GBDT, options.rng.fork("gbdt")) };
  }
  const members = Array.from({ length: 5 }, (_, m) => Mlp.train(z, logY, { hidden: [32, 32], epochs: options.mlpEpochs ?? 1500, learningRate: 0.01, weightDecay: 1e-3 }, options.rng.fork(`mlp ${m}`)).toJSON());
  return { kind, version: 2, ...base, members };
}

/** Predicted latency (ms) of networks given their features; throws naming the predictor when it is not one. */
export function predictLatencies(predictor: LatencyPredictor, features: readonly (NetworkFeatures | Record<string, number>)[]): number[] {
  const x = features.map((f) => pick(f, predictor.features));
  switch (predictor.kind) {
    case "linear":
      return x.map((row) => predictLinear(predictor, row));
    case "gbdt":
      return predictGbdt(predictor.model, x.map((row) => applyScale(predictor, row))).map((r, i) => Math.max(1e-9, predictLinear(predictor.base, x[i])) * Math.exp(r));
    case "mlp-ensemble": {
      const members = predictor.members.map((json) => Mlp.fromJSON(json));
      return x.map((row) => {
        const z = applyScale(predictor, row);
        return Math.exp(members.reduce((s, m) => s + m.predict(z), 0) / members.length);
      });
    }
    default:
      throw new Error(`unknown latency predictor kind '${(predictor as { kind: string }).kind}'`);
  }
}

/** Whether a parsed JSON value is a saved latency predictor this version reads. */
export function isLatencyPredictor(value: unknown): value is LatencyPredictor {
  const v = value as Partial<LatencyPredictor> | null;
  if (!v || typeof v !== "object" || !Array.isArray(v.features) || typeof v.device !== "string") return false;
  return (v.kind === "linear" && v.version === 1) || ((v.kind === "gbdt" || v.kind === "mlp-ensemble") && v.version === 2);
}
