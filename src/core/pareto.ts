import { type Direction, dominates, signed } from "./objectives.js";

/** A point to rank: its objective values and its total constraint violation (0 when feasible). */
export interface RankedPoint {
  values: readonly number[];
  violation: number;
}

/**
 * Constraint-domination (Deb et al. 2002): a feasible point beats an infeasible one, a smaller violation
 * beats a larger one, and between feasible points Pareto dominance decides.
 */
export function constrainedDominates(a: RankedPoint, b: RankedPoint, directions: readonly Direction[]): boolean {
  if (a.violation === 0 && b.violation > 0) return true;
  if (a.violation > 0) return b.violation > a.violation;
  return b.violation === 0 && dominates(a.values, b.values, directions);
}

/** Fast non-dominated sorting (NSGA-II): fronts of indices, best front first. */
export function nondominatedFronts(points: readonly RankedPoint[], directions: readonly Direction[]): number[][] {
  const dominatedBy = points.map(() => 0);
  const dominating: number[][] = points.map(() => []);
  for (let i = 0; i < points.length; i++) {
    for (let j = i + 1; j < points.length; j++) {
      if (constrainedDominates(points[i], points[j], directions)) {
        dominating[i].push(j);
        dominatedBy[j]++;
      } else if (constrainedDominates(points[j], points[i], directions)) {
        dominating[j].push(i);
        dominatedBy[i]++;
      }
    }
  }
  const fronts: number[][] = [];
  let current = points.map((_, i) => i).filter((i) => dominatedBy[i] === 0);
  while (current.length) {
    fronts.push(current);
    const next: number[] = [];
    for (const i of current) {
      for (const j of dominating[i]) if (--dominatedBy[j] === 0) next.push(j);
    }
    current = next;
  }
  return fronts;
}

/** Crowding distance of each member of one front (Deb et al. 2002); boundary points get Infinity. */
export function crowdingDistances(front: readonly RankedPoint[]): number[] {
  const distance = front.map(() => 0);
  if (front.length === 0) return distance;
  const objectives = front[0].values.length;
  for (let m = 0; m < objectives; m++) {
    const order = front.map((_, i) => i).sort((a, b) => front[a].values[m] - front[b].values[m]);
    const span = front[order.at(-1)!].values[m] - front[order[0]].values[m];
    distance[order[0]] = distance[order.at(-1)!] = Infinity;
    if (span === 0) continue;
    for (let k = 1; k < order.length - 1; k++) {
      distance[order[k]] += (front[order[k + 1]].values[m] - front[order[k - 1]].values[m]) / span;
    }
  }
  return distance;
}

/**
 * The hypervolume dominated by `points` and bounded by `reference` (Zitzler & Thiele 1998): the usual
 * quality measure of a Pareto front. Exact: a sweep in two dimensions, slicing along the last objective
 * above that. Points not strictly better than the reference in every objective add nothing.
 */
export function hypervolume(points: readonly (readonly number[])[], reference: readonly number[], directions: readonly Direction[]): number {
  // Work in "minimize everything" coordinates relative to the reference.
  const shifted = points
    .map((p) => p.map((v, i) => -signed(v, directions[i]) + signed(reference[i], directions[i])))
    .filter((p) => p.every((v) => v < 0));
  return volumeBelowZero(shifted);
}

/** Volume of the union of boxes [p, 0] for points p with all coordinates < 0. */
function volumeBelowZero(points: number[][]): number {
  if (points.length === 0) return 0;
  const dims = points[0].length;
  if (dims === 1) return -Math.min(...points.map((p) => p[0]));
  if (dims === 2) {
    const sorted = [...points].sort((a, b) => a[0] - b[0]);
    let volume = 0;
    let bestY = 0;
    for (const [x, y] of sorted) {
      if (y < bestY) {
        volume += -x * (bestY - y);
        bestY = y;
      }
    }
    return volume;
  }
  // Slice along the last objective: between consecutive levels, the (d-1)-volume of the points below.
  const sorted = [...points].sort((a, b) => a[dims - 1] - b[dims - 1]);
  let volume = 0;
  for (let i = 0; i < sorted.length; i++) {
    const top = i + 1 < sorted.length ? sorted[i + 1][dims - 1] : 0;
    const height = top - sorted[i][dims - 1];
    if (height > 0) volume += height * volumeBelowZero(sorted.slice(0, i + 1).map((p) => p.slice(0, -1)));
  }
  return volume;
}
