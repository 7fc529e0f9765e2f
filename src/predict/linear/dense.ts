import { cholesky, solveLower, solveUpper } from "../../strategy/model/linear-algebra.js";

/** Small dense linear algebra for latency models: row-major matrices as arrays of rows. */
export type Matrix = number[][];

export function transposeTimes(a: Matrix, b: Matrix): Matrix {
  const p = a[0].length;
  const q = b[0].length;
  const out = Array.from({ length: p }, () => new Array<number>(q).fill(0));
  for (let r = 0; r < a.length; r++) for (let i = 0; i < p; i++) for (let j = 0; j < q; j++) out[i][j] += a[r][i] * b[r][j];
  return out;
}

export function matVec(a: Matrix, x: ArrayLike<number>): number[] {
  return a.map((row) => row.reduce((sum, v, j) => sum + v * x[j], 0));
}

/** Solves the symmetric positive-definite system A x = b; adds jitter to the diagonal until Cholesky succeeds. */
export function solveSpd(a: Matrix, b: ArrayLike<number>): number[] {
  const n = a.length;
  const scale = Math.max(1e-300, ...a.map((row, i) => Math.abs(row[i])));
  for (let jitter = 0; ; jitter = jitter === 0 ? 1e-10 * scale : jitter * 10) {
    const flat = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) flat[i * n + j] = a[i][j] + (i === j ? jitter : 0);
    const l = cholesky(flat, n);
    if (l) return Array.from(solveUpper(l, n, solveLower(l, n, b)));
    if (jitter > scale) throw new Error("solveSpd: matrix is not positive definite");
  }
}

/** Inverse of a symmetric positive-definite matrix. */
export function inverseSpd(a: Matrix): Matrix {
  const n = a.length;
  const columns = a.map((_, j) => solveSpd(a, a.map((__, i) => (i === j ? 1 : 0))));
  return Array.from({ length: n }, (_, i) => columns.map((column) => column[i]));
}

/** log|A| of a symmetric positive-definite matrix. */
export function logDetSpd(a: Matrix): number {
  const n = a.length;
  const flat = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) flat[i * n + j] = a[i][j];
  const l = cholesky(flat, n);
  if (!l) throw new Error("logDetSpd: matrix is not positive definite");
  let sum = 0;
  for (let i = 0; i < n; i++) sum += 2 * Math.log(l[i * n + i]);
  return sum;
}

/** Ridge regression weights w minimising |X w - y|² + lambda |w|² (no intercept: centre first). */
export function ridgeWeights(x: Matrix, y: ArrayLike<number>, lambda: number): number[] {
  const gram = transposeTimes(x, x).map((row, i) => row.map((v, j) => v + (i === j ? lambda : 0)));
  const xty = x[0].map((_, j) => x.reduce((sum, row, r) => sum + row[j] * y[r], 0));
  return solveSpd(gram, xty);
}

/**
 * Eigenvalues (descending) and unit eigenvectors of a symmetric matrix by cyclic Jacobi rotations
 * (Golub & Van Loan, Alg. 8.5.3); for the few-dozen-square covariances of device latencies.
 */
export function symmetricEigen(a: Matrix): { values: number[]; vectors: number[][] } {
  const n = a.length;
  const m = a.map((row) => row.slice());
  const v: number[][] = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (__, j) => (i === j ? 1 : 0)));
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += m[p][q] ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        if (Math.abs(m[p][q]) < 1e-300) continue;
        const theta = (m[q][q] - m[p][p]) / (2 * m[p][q]);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const mkp = m[k][p];
          const mkq = m[k][q];
          m[k][p] = c * mkp - s * mkq;
          m[k][q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < n; k++) {
          const mpk = m[p][k];
          const mqk = m[q][k];
          m[p][k] = c * mpk - s * mqk;
          m[q][k] = s * mpk + c * mqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k][p];
          const vkq = v[k][q];
          v[k][p] = c * vkp - s * vkq;
          v[k][q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => m[j][j] - m[i][i]);
  return { values: order.map((i) => m[i][i]), vectors: order.map((i) => v.map((row) => row[i])) };
}
