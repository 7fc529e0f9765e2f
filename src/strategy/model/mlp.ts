import { Rng } from "../../core/rng.js";

export interface MlpOptions {
  hidden: number[];
  epochs: number;
  learningRate: number;
  weightDecay?: number;
}

/** An Mlp's layer sizes and weights as plain arrays. */
export interface MlpJson {
  sizes: number[];
  weights: number[][];
  biases: number[][];
}

/** An input as its non-zero entries, ascending: path and predictor encodings are mostly zeros. */
interface SparseInput {
  index: Int32Array;
  value: Float64Array;
}

function sparse(input: readonly number[]): SparseInput {
  const index: number[] = [];
  const value: number[] = [];
  input.forEach((v, i) => {
    if (v !== 0) {
      index.push(i);
      value.push(v);
    }
  });
  return { index: Int32Array.from(index), value: Float64Array.from(value) };
}

/**
 * A small fully connected regressor (ReLU hidden layers, linear output), trained full-batch on squared
 * error with Adam (Kingma & Ba 2015). Sized for predictor-guided NAS: hundreds of points, tens to hundreds
 * of mostly-zero features. The first layer reads only an input's non-zero entries and backpropagation stops
 * there (no gradient w.r.t. the input): the same float64 sums in the same order as the dense loops (a zero
 * term adds nothing), so the same seed gives the same predictions and proposals, 5-10x faster.
 */
export class Mlp {
  private readonly weights: Float64Array[];
  private readonly biases: Float64Array[];
  /** Per-layer activation buffers (index 0 unused: the input is sparse), reused by every forward pass. */
  private readonly activations: Float64Array[];
  /** A sparse input buffer for `predict`. */
  private readonly scratch: SparseInput;

  constructor(
    private readonly sizes: number[],
    rng: Rng,
  ) {
    // He initialisation for ReLU layers.
    this.weights = sizes.slice(1).map((out, l) => Float64Array.from({ length: out * sizes[l] }, () => rng.normal() * Math.sqrt(2 / sizes[l])));
    this.biases = sizes.slice(1).map((out) => new Float64Array(out));
    this.activations = sizes.map((size) => new Float64Array(size));
    this.scratch = { index: new Int32Array(sizes[0]), value: new Float64Array(sizes[0]) };
  }

  static train(x: readonly number[][], y: readonly number[], options: MlpOptions, rng: Rng): Mlp {
    const model = new Mlp([x[0].length, ...options.hidden, 1], rng);
    model.fit(x.map(sparse), y, options);
    return model;
  }

  /** Fills the activation buffers for one input; returns the prediction. */
  private forward(input: SparseInput): number {
    const layers = this.weights.length;
    for (let l = 0; l < layers; l++) {
      const [inSize, outSize] = [this.sizes[l], this.sizes[l + 1]];
      const w = this.weights[l];
      const b = this.biases[l];
      const next = this.activations[l + 1];
      const hidden = l < layers - 1;
      if (l === 0) {
        const { index, value } = input;
        for (let o = 0; o < outSize; o++) {
          let sum = b[o];
          const row = o * inSize;
          for (let k = 0; k < index.length; k++) sum += w[row + index[k]] * value[k];
          next[o] = hidden ? Math.max(0, sum) : sum;
        }
      } else {
        const previous = this.activations[l];
        for (let o = 0; o < outSize; o++) {
          let sum = b[o];
          const row = o * inSize;
          for (let i = 0; i < inSize; i++) sum += w[row + i] * previous[i];
          next[o] = hidden ? Math.max(0, sum) : sum;
        }
      }
    }
    return this.activations[layers][0];
  }

  /** Layer sizes and weights as plain arrays (for saved predictors). */
  toJSON(): MlpJson {
    return { sizes: [...this.sizes], weights: this.weights.map((w) => Array.from(w)), biases: this.biases.map((b) => Array.from(b)) };
  }

  static fromJSON(json: MlpJson): Mlp {
    const model = new Mlp(json.sizes, Rng.derive("mlp from json"));
    model.weights.forEach((w, l) => w.set(json.weights[l]));
    model.biases.forEach((b, l) => b.set(json.biases[l]));
    return model;
  }

  predict(input: readonly number[]): number {
    const { index, value } = this.scratch;
    let count = 0;
    for (let i = 0; i < input.length; i++) {
      if (input[i] !== 0) {
        index[count] = i;
        value[count++] = input[i];
      }
    }
    return this.forward({ index: index.subarray(0, count), value: value.subarray(0, count) });
  }

  private fit(x: readonly SparseInput[], y: readonly number[], options: MlpOptions): void {
    const layers = this.weights.length;
    const moments = [...this.weights, ...this.biases].map((p) => ({ m: new Float64Array(p.length), v: new Float64Array(p.length) }));
    const [beta1, beta2, epsilon] = [0.9, 0.999, 1e-8];
    const gradW = this.weights.map((w) => new Float64Array(w.length));
    const gradB = this.biases.map((b) => new Float64Array(b.length));
    const deltas = this.sizes.map((size) => new Float64Array(size));
    for (let epoch = 1; epoch <= options.epochs; epoch++) {
      gradW.forEach((g) => g.fill(0));
      gradB.forEach((g) => g.fill(0));
      for (let n = 0; n < x.length; n++) {
        const prediction = this.forward(x[n]);
        let delta = deltas[layers];
        delta[0] = (2 * (prediction - y[n])) / x.length;
        for (let l = layers - 1; l >= 0; l--) {
          const [inSize, outSize] = [this.sizes[l], this.sizes[l + 1]];
          const w = this.weights[l];
          const gw = gradW[l];
          const gb = gradB[l];
          if (l === 0) {
            const { index, value } = x[n];
            for (let o = 0; o < outSize; o++) {
              const d = delta[o];
              if (d === 0) continue;
              gb[o] += d;
              const row = o * inSize;
              for (let k = 0; k < index.length; k++) gw[row + index[k]] += d * value[k];
            }
            break;
          }
          const input = this.activations[l];
          const previousDelta = deltas[l];
          previousDelta.fill(0);
          for (let o = 0; o < outSize; o++) {
            const d = delta[o];
            if (d === 0) continue;
            gb[o] += d;
            const row = o * inSize;
            for (let i = 0; i < inSize; i++) {
              gw[row + i] += d * input[i];
              previousDelta[i] += d * w[row + i];
            }
          }
          for (let i = 0; i < inSize; i++) if (input[i] <= 0) previousDelta[i] = 0;
          delta = previousDelta;
        }
      }
      const params = [...this.weights, ...this.biases];
      const grads = [...gradW, ...gradB];
      // The bias corrections computed once per epoch: the same float64 values as per element.
      const correction1 = 1 - beta1 ** epoch;
      const correction2 = 1 - beta2 ** epoch;
      params.forEach((p, k) => {
        const { m, v } = moments[k];
        const g = grads[k];
        const decay = k < layers ? (options.weightDecay ?? 0) : 0;
        for (let i = 0; i < p.length; i++) {
          const gi = g[i] + decay * p[i];
          m[i] = beta1 * m[i] + (1 - beta1) * gi;
          v[i] = beta2 * v[i] + (1 - beta2) * gi * gi;
          p[i] -= (options.learningRate * (m[i] / correction1)) / (Math.sqrt(v[i] / correction2) + epsilon);
        }
      });
    }
  }
}

