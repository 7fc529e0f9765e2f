import { solveSpd, transposeTimes, type Matrix } from "./dense.js";

/** Ordinary least squares by the normal equations (well-conditioned, tall designs: many rows, few columns). */
export function leastSquares(design: Matrix, y: ArrayLike<number>): number[] {
  const gram = transposeTimes(design, design);
  const xty = design[0].map((_, j) => design.reduce((sum, row, r) => sum + row[j] * y[r], 0));
  return solveSpd(gram, xty);
}
