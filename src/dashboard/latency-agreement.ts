/**
 * Predicted against measured latency per device, for the dashboard's agreement plot: a search with
 * --latency-predictor and --latency-measure stores both with every trial (`predicted-latency:DEVICE` and
 * `latency:DEVICE`, evaluate/latency-evaluator.ts). No imports: the web app and the server share it.
 */
export interface LatencyPair {
  device: string;
  /** Milliseconds. */
  predicted: number;
  measured: number;
}

const PREDICTED = "predicted-latency:";

/** Every device with both a prediction and a finite, positive measurement among `metrics`. */
export function latencyPairs(metrics: Readonly<Record<string, number>> | null): LatencyPair[] {
  if (!metrics) return [];
  return Object.keys(metrics)
    .filter((name) => name.startsWith(PREDICTED))
    .map((name) => ({ device: name.slice(PREDICTED.length), predicted: metrics[name], measured: metrics[`latency:${name.slice(PREDICTED.length)}`] }))
    .filter((p) => Number.isFinite(p.predicted) && Number.isFinite(p.measured) && p.measured > 0);
}

export interface DeviceAgreement {
  device: string;
  /** [predicted, measured, trial number] per trial. */
  points: [number, number, number][];
  /** Share of trials whose prediction is within ±10% of the measurement. */
  within10: number;
  /** Mean of |predicted / measured - 1|. */
  meanAbsoluteRelativeError: number;
}

/** Groups trials' latency pairs by device, in order of first appearance. */
export function latencyAgreement(trials: readonly { number: number; latency?: readonly LatencyPair[] }[]): DeviceAgreement[] {
  const byDevice = new Map<string, [number, number, number][]>();
  for (const t of trials) {
    for (const p of t.latency ?? []) {
      if (!byDevice.has(p.device)) byDevice.set(p.device, []);
      byDevice.get(p.device)!.push([p.predicted, p.measured, t.number]);
    }
  }
  return [...byDevice].map(([device, points]) => {
    const errors = points.map(([predicted, measured]) => Math.abs(predicted / measured - 1));
    return { device, points, within10: errors.filter((e) => e <= 0.1).length / points.length, meanAbsoluteRelativeError: errors.reduce((a, b) => a + b, 0) / errors.length };
  });
}
