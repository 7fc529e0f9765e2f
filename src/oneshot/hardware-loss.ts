import { softmax, softmaxBackward, type EdgeMode } from "./edge-modes.js";
import { edgeOpCosts, type Nb201LatencyTable } from "./latency-table.js";

/** A latency target for a hardware-aware search: the table, the target T (ms) and the loss's constants. */
export interface LatencyObjective {
  table: Nb201LatencyTable;
  targetMs: number;
  /** ProxylessNAS: lambda of CE + lambda * (E[LAT] / T - 1). */
  lambda: number;
  /** FBNet: CE * a * (log LAT / log T)^b. */
  a: number;
  b: number;
}

/** ProxylessNAS's released code ("add#linear", lambda 0.1) and FBNet's a = 0.2, b = 0.6 (Wu et al. 2019, sec. 4.1). */
export const LATENCY_LOSS_DEFAULTS = { lambda: 0.1, a: 0.2, b: 0.6 };

/** FBNet's Gumbel-softmax temperature: 5.0, times 0.956 per epoch (Wu et al. 2019, sec. 4.1). */
export const fbnetTemperature = (epoch: number): number => 5 * 0.956 ** epoch;

/**
 * ProxylessNAS's latency term (Cai et al. 2019, eq. 3-4): E[LAT] = base + sum_e sum_i softmax(alpha_e)_i * cost_i,
 * added as lambda * (E[LAT] / T - 1). Returns the term and its gradient in alpha (through the full softmax,
 * independently of the two sampled paths).
 */
export function proxylessLatencyTerm(alpha: readonly (readonly number[])[], objective: LatencyObjective): { value: number; grad: number[][]; expectedMs: number } {
  const costs = edgeOpCosts(objective.table);
  const p = alpha.map((row) => softmax(row));
  const expectedMs = objective.table.base + p.reduce((s, row) => s + row.reduce((t, pi, i) => t + pi * costs[i], 0), 0);
  const scale = objective.lambda / objective.targetMs;
  return { value: objective.lambda * (expectedMs / objective.targetMs - 1), grad: p.map((row) => softmaxBackward(row, costs.map((c) => c * scale))), expectedMs };
}

/**
 * FBNet's loss CE * a * (log LAT / log T)^b (Wu et al. 2019, eq. 5, with ProxylessNAS's code's reference T so a
 * target can be set), LAT = base + sum_e sum_i m_ei * cost_i under the Gumbel-softmax mask m. Latencies in
 * microseconds, so log LAT > 0 for any network here. Returns the loss and dLoss/dm given dCE/dm.
 */
export function fbnetLoss(ce: number, dCe: readonly (readonly number[])[], m: readonly (readonly number[])[], objective: LatencyObjective): { loss: number; dm: number[][]; latencyMs: number } {
  const costs = edgeOpCosts(objective.table);
  const latencyMs = objective.table.base + m.reduce((s, row) => s + row.reduce((t, mi, i) => t + mi * costs[i], 0), 0);
  const logRatio = Math.log(latencyMs * 1000) / Math.log(objective.targetMs * 1000);
  const factor = objective.a * logRatio ** objective.b;
  const dFactorDLat = (objective.a * objective.b * logRatio ** (objective.b - 1)) / (latencyMs * Math.log(objective.targetMs * 1000));
  return { loss: ce * factor, dm: dCe.map((row) => row.map((g, i) => g * factor + ce * dFactorDLat * costs[i])), latencyMs };
}

/**
 * FBNet's supernet step (Wu et al. 2019, sec. 3.3): every op runs, mixed by the soft Gumbel-softmax mask
 * m = softmax((alpha + g) / tau); dm chains back through the softmax (divided by tau).
 */
export const fbnetMode: EdgeMode = {
  name: "fbnet",
  learnsAlpha: true,
  sample(alpha, rng, temperature) {
    const m = alpha.map((row) => softmax(row.map((a) => (a - Math.log(-Math.log(1 - rng.float()))) / temperature)));
    return { paths: alpha.map((row) => row.map((_, i) => i)), w: m, probe: false, alphaGradient: (dm) => m.map((p, e) => softmaxBackward(p, dm[e]).map((g) => g / temperature)) };
  },
};

/**
 * The genotype under a hard latency constraint: argmax alpha per edge, then, while the table predicts more
 * than `targetMs`, the single-edge swap to a cheaper op that gives up the least alpha per ms saved.
 * Returns op indices per edge.
 */
export function deriveUnderLatency(alpha: readonly (readonly number[])[], table: Nb201LatencyTable, targetMs: number): number[] {
  const costs = edgeOpCosts(table);
  const chosen = alpha.map((row) => row.indexOf(Math.max(...row)));
  const predicted = () => table.base + chosen.reduce((s, i) => s + costs[i], 0);
  while (predicted() > targetMs) {
    let best: { e: number; i: number; price: number } | null = null;
    alpha.forEach((row, e) =>
      row.forEach((a, i) => {
        const saved = costs[chosen[e]] - costs[i];
        if (saved <= 0) return;
        const price = (row[chosen[e]] - a) / saved;
        if (!best || price < best.price) best = { e, i, price };
      }),
    );
    if (!best) break;
    const { e, i } = best as { e: number; i: number; price: number };
    chosen[e] = i;
  }
  return chosen;
}
