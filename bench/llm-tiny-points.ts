/**
 * Grid points of the tiny-LM grid: the runs of one (size, budget) over its seeds, with their mean, sample standard
 * deviation and the standard error of the mean. Runs recorded before seeds existed are seed 0.
 */
export interface GridResult {
  id: string;
  seed?: number;
  size: string;
  budget: number;
  loss: number;
  params: number;
  non_embedding_params: number;
  tokens: number;
  train_flops: number;
  train_seconds: number;
}

export interface GridPoint {
  id: string;
  size: string;
  budget: number;
  params: number;
  non_embedding_params: number;
  tokens: number;
  train_flops: number;
  seeds: number[];
  losses: number[];
  /** Mean validation loss over the seeds (nats/byte). */
  loss: number;
  /** Median over the seeds (robust to a run stuck on the early-phase plateau). */
  median: number;
  /** Sample standard deviation over the seeds (n - 1); NaN with one seed. */
  std: number;
  /** Standard error of the mean: std / sqrt(n), or the typical run-to-run std where the point has one seed. */
  se: number;
}

/**
 * Groups runs by id into points. `typicalStd` is the median of the per-point stds over the points with two or
 * more seeds (NaN when none has): the run-to-run noise is far from alike across points (a run near the
 * early-phase plateau varies 0.09 nats/byte, a long one 0.001), so a pooled variance would be one point's.
 */
export function gridPoints(results: readonly GridResult[]): { points: GridPoint[]; typicalStd: number } {
  const byId = new Map<string, GridResult[]>();
  for (const r of results) byId.set(r.id, [...(byId.get(r.id) ?? []), r]);
  const partial = [...byId.values()].map((runs) => {
    const sorted = [...runs].sort((a, b) => (a.seed ?? 0) - (b.seed ?? 0));
    const seeds = sorted.map((r) => r.seed ?? 0);
    if (new Set(seeds).size !== seeds.length) throw new Error(`grid record ${runs[0].id}: seed ${seeds.find((s, i) => seeds.indexOf(s) !== i)} recorded twice`);
    const losses = sorted.map((r) => r.loss);
    const mean = losses.reduce((a, b) => a + b, 0) / losses.length;
    const std = losses.length > 1 ? Math.sqrt(losses.reduce((a, l) => a + (l - mean) ** 2, 0) / (losses.length - 1)) : NaN;
    const ordered = [...losses].sort((a, b) => a - b);
    const median = (ordered[Math.floor((ordered.length - 1) / 2)] + ordered[Math.ceil((ordered.length - 1) / 2)]) / 2;
    const { id, size, budget, params, non_embedding_params, tokens, train_flops } = sorted[0];
    return { id, size, budget, params, non_embedding_params, tokens, train_flops, seeds, losses, loss: mean, median, std };
  });
  const stds = partial.filter((p) => p.losses.length > 1).map((p) => p.std).sort((a, b) => a - b);
  const typicalStd = stds.length === 0 ? NaN : (stds[Math.floor((stds.length - 1) / 2)] + stds[Math.ceil((stds.length - 1) / 2)]) / 2;
  const points = partial.map((p) => ({ ...p, se: p.losses.length > 1 ? p.std / Math.sqrt(p.losses.length) : typicalStd }));
  return { points: points.sort((a, b) => a.budget - b.budget || a.params - b.params), typicalStd };
}
