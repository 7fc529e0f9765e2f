import type { Rng } from "../../core/rng.js";

export interface MlpOptions {
  hidden: number[];
  epochs: number;
  learningRate: number;
  weightDecay?: number;
}

/**
 * A small fully connected regressor (ReLU hidden layers, linear output), trained full-batch on squared
 * error with Adam (Kingma & Ba 2015). Sized for predictor-guided NAS: hundreds of points, tens of features.
 */
export class Mlp {
  private readonly weights: Float64Array[];
  private readonly biases: Float64Array[];

  constructor(
    private readonly sizes: number[],
    rng: Rng,
  ) {
    // He initialisation for ReLU layers.
    this.weights = sizes.slice(1).map((out, l) => Float64Array.from({ length: out * sizes[l] }, () => rng.normal() * Math.sqrt(2 / sizes[l])));
    this.biases = sizes.slice(1).map((out) => new Float64Array(out));
  }

  static train(x: readonly number[][], y: readonly number[], options: MlpOptions, rng: Rng): Mlp {
    const model = new Mlp([x[0].length, ...options.hidden, 1], rng);
    model.fit(x, y, options);
    return model;
  }

  /** Activations of every layer for one input (the last is the prediction). */
  private forward(input: readonly number[]): Float64Array[] {
    const activations = [Float64Array.from(input)];
    for (let l = 0; l < this.weights.length; l++) {
      const [inSize, outSize] = [this.sizes[l], this.sizes[l + 1]];
      const previous = activations[l];
      const next = new Float64Array(outSize);
      const w = this.weights[l];
      for (let o = 0; o < outSize; o++) {
        let sum = this.biases[l][o];
        for (let i = 0; i < inSize; i++) sum += w[o * inSize + i] * previous[i];
        next[o] = l < this.weights.length - 1 ? Math.max(0, sum) : sum;
      }
      activations.push(next);
    }
    return activations;
  }

  predict(input: readonly number[]): number {
    return this.forward(input).at(-1)![0];
  }

  private fit(x: readonly number[][], y: readonly number[], options: MlpOptions): void {
    const layers = this.weights.length;
    const moments = [...this.weights, ...this.biases].map((p) => ({ m: new Float64Array(p.length), v: new Float64Array(p.length) }));
    const [beta1, beta2, epsilon] = [0.9, 0.999, 1e-8];
    for (let epoch = 1; epoch <= options.epochs; epoch++) {
      const gradW = this.weights.map((w) => new Float64Array(w.length));
      const gradB = this.biases.map((b) => new Float64Array(b.length));
      for (let n = 0; n < x.length; n++) {
        const activations = this.forward(x[n]);
        let delta = Float64Array.of((2 * (activations[layers][0] - y[n])) / x.length);
        for (let l = layers - 1; l >= 0; l--) {
          const [inSize, outSize] = [this.sizes[l], this.sizes[l + 1]];
          const input = activations[l];
          const previousDelta = new Float64Array(inSize);
          const w = this.weights[l];
          for (let o = 0; o < outSize; o++) {
            const d = delta[o];
            if (d === 0) continue;
            gradB[l][o] += d;
            for (let i = 0; i < inSize; i++) {
              gradW[l][o * inSize + i] += d * input[i];
              previousDelta[i] += d * w[o * inSize + i];
            }
          }
          if (l > 0) for (let i = 0; i < inSize; i++) if (input[i] <= 0) previousDelta[i] = 0;
          delta = previousDelta;
        }
      }
      const params = [...this.weights, ...this.biases];
      const grads = [...gradW, ...gradB];
      params.forEach((p, k) => {
        const { m, v } = moments[k];
        const g = grads[k];
        const decay = k < layers ? options.weightDecay ?? 0 : 0;
        for (let i = 0; i < p.length; i++) {
          const gi = g[i] + decay * p[i];
          m[i] = beta1 * m[i] + (1 - beta1) * gi;
          v[i] = beta2 * v[i] + (1 - beta2) * gi * gi;
          p[i] -= (options.learningRate * (m[i] / (1 - beta1 ** epoch))) / (Math.sqrt(v[i] / (1 - beta2 ** epoch)) + epsilon);
        }
      });
    }
  }
}
