/**
 * Limited-memory BFGS (Nocedal & Wright, Numerical Optimization, 2nd ed., Algorithm 7.4 with the two-loop
 * recursion of Algorithm 7.5) with a backtracking Armijo line search. Written here because no maintained npm
 * package offers L-BFGS (`fmin` has Nelder-Mead and CG only; `optimization-js` is unmaintained since 2017).
 */
export interface LbfgsOptions {
  /** Pairs (s, y) kept (default 10). */
  memory?: number;
  maxIterations?: number;
  /** Stop when the gradient's max-norm falls below this (default 1e-10). */
  gradientTolerance?: number;
}

export interface LbfgsResult {
  x: number[];
  value: number;
  iterations: number;
}

/** Minimises f from x0; `f` returns the value and its gradient. Never throws on non-finite values: it stops. */
export function lbfgs(f: (x: readonly number[]) => { value: number; gradient: number[] }, x0: readonly number[], options: LbfgsOptions = {}): LbfgsResult {
  const m = options.memory ?? 10;
  const maxIterations = options.maxIterations ?? 200;
  const tolerance = options.gradientTolerance ?? 1e-10;
  const dot = (a: readonly number[], b: readonly number[]) => a.reduce((sum, v, i) => sum + v * b[i], 0);
  let x = [...x0];
  let { value, gradient } = f(x);
  const history: { s: number[]; y: number[]; rho: number }[] = [];
  let iteration = 0;
  for (; iteration < maxIterations && Number.isFinite(value); iteration++) {
    if (Math.max(...gradient.map(Math.abs)) < tolerance) break;
    // Two-loop recursion: direction = -H g.
    const q = [...gradient];
    const alphas: number[] = [];
    for (let i = history.length - 1; i >= 0; i--) {
      const { s, y, rho } = history[i];
      const alpha = rho * dot(s, q);
      alphas[i] = alpha;
      for (let j = 0; j < q.length; j++) q[j] -= alpha * y[j];
    }
    const last = history.at(-1);
    const gamma = last ? dot(last.s, last.y) / dot(last.y, last.y) : 1 / Math.max(1, Math.sqrt(dot(gradient, gradient)));
    const r = q.map((v) => v * gamma);
    for (let i = 0; i < history.length; i++) {
      const { s, y, rho } = history[i];
      const beta = rho * dot(y, r);
      for (let j = 0; j < r.length; j++) r[j] += s[j] * (alphas[i] - beta);
    }
    let direction = r.map((v) => -v);
    let slope = dot(direction, gradient);
    if (!(slope < 0)) {
      direction = gradient.map((g) => -g);
      slope = -dot(gradient, gradient);
      history.length = 0;
    }
    let step = 1;
    let next: number[] = x;
    let trial = { value, gradient };
    let accepted = false;
    for (let k = 0; k < 40; k++) {
      next = x.map((v, i) => v + step * direction[i]);
      trial = f(next);
      if (Number.isFinite(trial.value) && trial.value <= value + 1e-4 * step * slope) {
        accepted = true;
        break;
      }
      step /= 2;
    }
    if (!accepted) break;
    const s = next.map((v, i) => v - x[i]);
    const y = trial.gradient.map((g, i) => g - gradient[i]);
    const sy = dot(s, y);
    if (sy > 1e-12) {
      history.push({ s, y, rho: 1 / sy });
      if (history.length > m) history.shift();
    }
    const improvement = value - trial.value;
    x = next;
    value = trial.value;
    gradient = trial.gradient;
    if (improvement >= 0 && improvement < 1e-15 * Math.max(1, Math.abs(value))) break;
  }
  return { x, value, iterations: iteration };
}
