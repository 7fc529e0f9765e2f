import type { Engine, HostTensor, HostTensors, Model, Weights } from "../nn/engine/engine.js";
import { lowerNetwork } from "../nn/graph/lower.js";
import { BATCH_NORM_MOMENTUM } from "../nn/kinds/norms.js";
import { supernetGradients, subnetWeights } from "./elastic.js";
import { configKey, ofaNetwork, sideOf, type OfaConfig, type OfaShape } from "./network.js";
import { ModelCache } from "../nn/engine/model-cache.js";

/** A sub-network's step: the loss it was trained on, its cross-entropy alone, and the supernet's gradients. */
export interface SubnetStep {
  loss: number;
  crossEntropy: number;
  grads: HostTensors;
}

/** Row-wise softmax of [count, classes] logits. */
export function softmaxRows(logits: HostTensor): Float32Array {
  const classes = logits.shape.at(-1) as number;
  const out = new Float32Array(logits.data.length);
  for (let r = 0; r < logits.data.length / classes; r++) {
    let max = -Infinity;
    for (let k = 0; k < classes; k++) max = Math.max(max, logits.data[r * classes + k]);
    let sum = 0;
    for (let k = 0; k < classes; k++) sum += out[r * classes + k] = Math.exp(logits.data[r * classes + k] - max);
    for (let k = 0; k < classes; k++) out[r * classes + k] /= sum;
  }
  return out;
}

/**
 * Runs sub-networks of an OFA supernet on an engine. The supernet's weights live with the caller (host
 * arrays, checkpointed); each call derives the config's weights, writes them into a graph compiled for that
 * (config, resolution) (a small LRU cache of compiled graphs), and maps gradients back to the supernet.
 */
export class OfaRunner {
  private readonly models: ModelCache;

  constructor(
    readonly engine: Engine,
    readonly shape: OfaShape,
    cacheSize = 12,
  ) {
    this.models = new ModelCache(engine, cacheSize);
  }

  private model(config: OfaConfig, weights: Weights): Model {
    const side = sideOf(this.shape, config);
    return this.models.get(configKey(config), () => lowerNetwork(ofaNetwork(this.shape, config), [side, side, this.shape.input[2]]), weights);
  }

  /** The config's own weights (by its network's parameter names) cut from the supernet's. */
  subnet(supernet: Weights, config: OfaConfig): Weights {
    const side = sideOf(this.shape, config);
    const graph = lowerNetwork(ofaNetwork(this.shape, config), [side, side, this.shape.input[2]]);
    return subnetWeights(this.shape, supernet, config, { params: graph.params.map((p) => p.name), state: graph.state.map((s) => s.name) });
  }

  private async prepared(config: OfaConfig, weights: Weights): Promise<Model> {
    const model = this.model(config, weights);
    await model.setWeights(weights);
    return model;
  }

  /** Logits [count, classes] of a sub-network given its own weights; x is NHWC at the config's side. */
  async forward(config: OfaConfig, weights: Weights, x: Float32Array, count: number, training: boolean): Promise<HostTensor> {
    return (await this.prepared(config, weights)).forward(x, count, training);
  }

  /**
   * One sub-network's loss and supernet gradients (BatchNorm on batch statistics): mean cross-entropy plus,
   * with teacher probabilities, `kdRatio` x the soft cross-entropy to them (OFA's knowledge distillation,
   * Hinton et al. 2015 at temperature 1). Its gradient w.r.t. the logits, (softmax - onehot + kdRatio (softmax
   * - teacher)) / count, is fed to the engine as a dot cotangent, from a forward pass of the same batch
   * (without a teacher, the engine's own cross-entropy: one pass fewer).
   */
  async gradients(supernet: Weights, config: OfaConfig, x: Float32Array, labels: Int32Array, teacher: Float32Array | null, kdRatio: number): Promise<SubnetStep> {
    const count = labels.length;
    const weights = this.subnet(supernet, config);
    const model = await this.prepared(config, weights);
    if (!teacher) {
      const plain = await model.valueAndGrad(x, count, { kind: "crossEntropy", labels }, { training: true });
      return { loss: plain.value, crossEntropy: plain.value, grads: supernetGradients(this.shape, supernet, config, plain.grads) };
    }
    const probs = softmaxRows(await model.forward(x, count, true));
    const classes = probs.length / count;
    const cotangent = new Float32Array(probs.length);
    let crossEntropy = 0;
    let kd = 0;
    for (let r = 0; r < count; r++) {
      crossEntropy -= Math.log(Math.max(probs[r * classes + labels[r]], 1e-30)) / count;
      for (let k = 0; k < classes; k++) {
        const i = r * classes + k;
        cotangent[i] = (probs[i] - (k === labels[r] ? 1 : 0) + kdRatio * (probs[i] - teacher[i])) / count;
        kd -= (teacher[i] * Math.log(Math.max(probs[i], 1e-30))) / count;
      }
    }
    const result = await model.valueAndGrad(x, count, { kind: "dot", cotangent }, { training: true });
    return { loss: crossEntropy + kdRatio * kd, crossEntropy, grads: supernetGradients(this.shape, supernet, config, result.grads) };
  }

  /**
   * BatchNorm statistics recomputed for one sub-network on training images (OFA's set_running_statistics):
   * the mean over the batches of each batch's mean and variance, read back from one momentum update per batch.
   */
  async recalibrate(config: OfaConfig, weights: Weights, batches: Float32Array[], count: number): Promise<Weights> {
    const model = this.model(config, weights);
    const names = Object.keys(weights.state);
    const zeros = (): HostTensors => Object.fromEntries(names.map((n) => [n, { shape: weights.state[n].shape, data: new Float32Array(weights.state[n].data.length) }]));
    const sums = zeros();
    for (const x of batches) {
      await model.setWeights({ params: weights.params, state: zeros() });
      await model.trainStep(x, count, new Int32Array(count), 0);
      const after = (await model.weights()).state;
      for (const n of names) after[n].data.forEach((v, i) => (sums[n].data[i] += v / BATCH_NORM_MOMENTUM / batches.length));
    }
    return { params: weights.params, state: sums };
  }

  dispose(): void {
    this.models.dispose();
  }
}
