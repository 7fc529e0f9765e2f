/**
 * GP-BO's linear algebra (issue 13, item 7): the Cholesky factorisation and the two triangular solves that
 * each grid point of GaussianProcess.fit costs, at the GP's real sizes (n = 10..400 points: gp-bo keeps at most
 * 400), on three implementations:
 *   - nascent's hand-written float64 code (src/strategy/model/linear-algebra.ts);
 *   - ml-matrix's CholeskyDecomposition (float64; measured when `ml-matrix` resolves, it is not a dependency);
 *   - libtorch's float64 torch.linalg.cholesky + cholesky_solve, timed inside PyTorch (python3-torch): the
 *     library under the torch engine with no call overhead at all, so a lower bound for routing it there.
 * The matrices are the GP's: an RBF kernel (length scale 1, noise ratio 1e-3) on one-hot NB201 encodings.
 * Also reports whether ml-matrix's factor is bit-identical to the hand-written one (same proposals).
 *   node dist/bench/gp-cholesky.js
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { Rng } from "../src/core/rng.js";
import { cholesky, solveLower, solveUpper, squaredDistance } from "../src/strategy/model/linear-algebra.js";

const SIZES = [10, 30, 100, 200, 300, 400];
const PYTHON = process.env.NASCENT_TORCH_PYTHON ?? "/usr/bin/python3";

/** The GP's covariance on n random NB201 architectures (6 edges x 5 ops, one-hot). */
function covariance(n: number, rng: Rng): Float64Array {
  const x = Array.from({ length: n }, () => {
    const code = new Float64Array(30);
    for (let edge = 0; edge < 6; edge++) code[edge * 5 + rng.int(0, 4)] = 1;
    return code;
  });
  const k = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) k[i * n + j] = Math.exp(-squaredDistance(x[i], x[j]) / 2) + (i === j ? 1e-3 : 0);
  return k;
}

/** Milliseconds per call of `f`, repeated for at least 300 ms after one warm-up call. */
function time(f: () => void): number {
  f();
  let calls = 0;
  const start = performance.now();
  while (performance.now() - start < 300 || calls < 3) {
    f();
    calls++;
  }
  return (performance.now() - start) / calls;
}

interface MlMatrix {
  Matrix: { from1DArray(rows: number, cols: number, data: ArrayLike<number>): { get(i: number, j: number): number }; columnVector(data: number[]): unknown };
  CholeskyDecomposition: new (m: unknown) => { lowerTriangularMatrix: { get(i: number, j: number): number }; solve(b: unknown): unknown; isPositiveDefinite(): boolean };
}

async function loadMlMatrix(): Promise<MlMatrix | undefined> {
  const name = "ml-matrix";
  try {
    return (await import(name)) as MlMatrix;
  } catch {
    return undefined;
  }
}

function libtorch(): Record<number, number> | { error: string } {
  if (!existsSync(PYTHON)) return { error: `${PYTHON} not found` };
  const script = `
import json, time, torch
torch.set_num_threads(1)
g = torch.Generator().manual_seed(0)
out = {}
for n in ${JSON.stringify(SIZES)}:
    x = torch.zeros(n, 30, dtype=torch.float64)
    x[torch.arange(n).repeat_interleave(6), (torch.arange(6).repeat(n) * 5 + torch.randint(0, 5, (6 * n,), generator=g))] = 1
    k = torch.exp(-torch.cdist(x, x) ** 2 / 2) + 1e-3 * torch.eye(n, dtype=torch.float64)
    z = torch.randn(n, 1, dtype=torch.float64, generator=g)
    def f():
        l = torch.linalg.cholesky(k)
        torch.cholesky_solve(z, l)
    f(); calls = 0; start = time.perf_counter()
    while time.perf_counter() - start < 0.3 or calls < 3:
        f(); calls += 1
    out[n] = (time.perf_counter() - start) / calls * 1000
print(json.dumps(out))`;
  try {
    const stdout = execFileSync(PYTHON, ["-c", script], { encoding: "utf8", env: { ...process.env, LD_LIBRARY_PATH: "/usr/lib/x86_64-linux-gnu/openblas-openmp" } });
    return JSON.parse(stdout.trim().split("\n").at(-1) as string) as Record<number, number>;
  } catch (error) {
    return { error: (error as Error).message.split("\n")[0] };
  }
}

const ml = await loadMlMatrix();
const torchTimes = libtorch();
const rows: Record<number, Record<string, number | boolean | null>> = {};
console.log("GP-BO linear algebra: Cholesky + two triangular solves, float64, ms per call (1 thread)");
console.log("| n | hand-written | ml-matrix | libtorch (in PyTorch, no call overhead) | ml-matrix factor bit-identical | max abs difference |");
console.log("|---|---|---|---|---|---|");
for (const n of SIZES) {
  const k = covariance(n, Rng.derive("gp cholesky", n));
  const z = Array.from({ length: n }, (_, i) => Math.sin(i));
  const hand = time(() => {
    const l = cholesky(k, n) as Float64Array;
    solveUpper(l, n, solveLower(l, n, z));
  });
  let mlTime: number | null = null;
  let identical: boolean | null = null;
  let difference: number | null = null;
  if (ml) {
    const matrix = ml.Matrix.from1DArray(n, n, k);
    const vector = ml.Matrix.columnVector(z);
    mlTime = time(() => new ml.CholeskyDecomposition(matrix).solve(vector));
    const ours = cholesky(k, n) as Float64Array;
    const theirs = new ml.CholeskyDecomposition(matrix).lowerTriangularMatrix;
    difference = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) difference = Math.max(difference, Math.abs(ours[i * n + j] - theirs.get(i, j)));
    identical = difference === 0;
  }
  const torchMs = "error" in torchTimes ? null : torchTimes[n];
  rows[n] = { hand_written_ms: +hand.toFixed(4), ml_matrix_ms: mlTime === null ? null : +mlTime.toFixed(4), libtorch_ms: torchMs === null ? null : +torchMs.toFixed(4), ml_matrix_identical: identical, ml_matrix_max_abs_difference: difference };
  const cell = (v: number | null) => (v === null ? "-" : v.toFixed(3));
  console.log(`| ${n} | ${cell(hand)} | ${cell(mlTime)} | ${cell(torchMs)} | ${identical ?? "-"} | ${difference === null ? "-" : difference.toExponential(1)} |`);
}
console.log(JSON.stringify({ sizes: rows, ml_matrix: ml ? "measured" : "not installed", libtorch: "error" in torchTimes ? torchTimes.error : "measured" }));
