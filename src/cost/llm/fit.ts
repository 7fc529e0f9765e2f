import { NascentError } from "../../core/errors.js";
import { lbfgs } from "./lbfgs.js";
import { predictLoss, type ChinchillaLaw } from "./scaling-law.js";

/** One training run: its parameters N, training tokens D and final loss L (nats per token). */
export interface ScalingRun {
  params: number;
  tokens: number;
  loss: number;
}

export interface FittedLaw extends ChinchillaLaw {
  /** The Huber objective at the optimum, and how many of the grid's starts reached it (within 1e-9 relative). */
  objective: number;
  starts: number;
  runs: number;
}

export interface FitOptions {
  /** Huber delta on log-loss residuals (Hoffmann et al. use 1e-3). */
  delta?: number;
  /** Grid of starts per parameter; the default is Hoffmann et al.'s (App. D.2): 4,500 starts. */
  grid?: { alpha: number[]; beta: number[]; e: number[]; a: number[]; b: number[] };
}

const range = (start: number, stop: number, step: number) => Array.from({ length: Math.round((stop - start) / step) + 1 }, (_, i) => start + i * step);

export const HOFFMANN_GRID = { alpha: range(0, 2, 0.5), beta: range(0, 2, 0.5), e: range(-1, 1, 0.5), a: range(0, 25, 5), b: range(0, 25, 5) };

function huber(r: number, delta: number): { value: number; derivative: number } {
  const abs = Math.abs(r);
  return abs <= delta ? { value: 0.5 * r * r, derivative: r } : { value: delta * (abs - 0.5 * delta), derivative: delta * Math.sign(r) };
}

/**
 * Fits L(N, D) = E + A/N^alpha + B/D^beta to runs as Hoffmann et al. 2022 (Sec. 3.3, App. D.2): minimise
 * sum_i Huber_delta(LSE(a - alpha log N_i, b - beta log D_i, e) - log L_i) over (a, b, e, alpha, beta) with
 * L-BFGS from every start of a grid, keep the best; A = e^a, B = e^b, E = e^e. Needs >= 5 runs.
 */
export function fitChinchillaLaw(runs: readonly ScalingRun[], options: FitOptions = {}): FittedLaw {
  if (runs.length < 5) throw new NascentError(`fitting the loss law needs at least 5 runs (5 constants), got ${runs.length}`);
  runs.forEach((run, i) => {
    if (!(run.params > 0 && run.tokens > 0 && run.loss > 0)) throw new NascentError(`run ${i + 1}: params, tokens and loss must be positive, got ${JSON.stringify(run)}`);
  });
  const delta = options.delta ?? 1e-3;
  const logN = runs.map((r) => Math.log(r.params));
  const logD = runs.map((r) => Math.log(r.tokens));
  const logL = runs.map((r) => Math.log(r.loss));
  const objective = (theta: readonly number[]) => {
    const [a, b, e, alpha, beta] = theta;
    let value = 0;
    const gradient = [0, 0, 0, 0, 0];
    for (let i = 0; i < runs.length; i++) {
      const t1 = a - alpha * logN[i];
      const t2 = b - beta * logD[i];
      const top = Math.max(t1, t2, e);
      const w1 = Math.exp(t1 - top);
      const w2 = Math.exp(t2 - top);
      const w3 = Math.exp(e - top);
      const total = w1 + w2 + w3;
      const h = huber(top + Math.log(total) - logL[i], delta);
      value += h.value;
      const g = h.derivative / total;
      gradient[0] += g * w1;
      gradient[1] += g * w2;
      gradient[2] += g * w3;
      gradient[3] -= g * w1 * logN[i];
      gradient[4] -= g * w2 * logD[i];
    }
    return { value, gradient };
  };
  const grid = options.grid ?? HOFFMANN_GRID;
  let best: { x: number[]; value: number } | null = null;
  const values: number[] = [];
  for (const alpha of grid.alpha) for (const beta of grid.beta) for (const e of grid.e) for (const a of grid.a) for (const b of grid.b) {
    const result = lbfgs(objective, [a, b, e, alpha, beta], { maxIterations: 300 });
    values.push(result.value);
    if (!best || result.value < best.value) best = result;
  }
  if (!best) throw new NascentError("fitting the loss law: the grid of starts is empty");
  const [a, b, e, alpha, beta] = best.x;
  const bestValue = best.value;
  return {
    name: "fit",
    E: Math.exp(e),
    A: Math.exp(a),
    B: Math.exp(b),
    alpha,
    beta,
    source: `Huber(delta=${delta}) fit of log-loss over ${runs.length} runs, L-BFGS from ${values.length} starts`,
    objective: bestValue,
    starts: values.filter((v) => v <= bestValue * (1 + 1e-9) + 1e-15).length,
    runs: runs.length,
  };
}

/** Relative error of the law on each run: (predicted - observed) / observed. */
export function relativeErrors(law: ChinchillaLaw, runs: readonly ScalingRun[]): number[] {
  return runs.map((r) => (predictLoss(law, r.params, r.tokens) - r.loss) / r.loss);
}
