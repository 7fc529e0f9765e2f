import type { Engine, HostTensor, HostTensors, Model, Weights } from "../nn/engine/engine.js";
import { lowerNetwork } from "../nn/graph/lower.js";
import { initNetwork } from "../nn/init.js";
import { BATCH_NORM_MOMENTUM } from "../nn/kinds/norms.js";
import type { Rng } from "../core/rng.js";
import type { EdgeSample } from "./edge-modes.js";
import { nb201Layout, type SupernetShape } from "./nb201-supernet.js";
import { allOps, type PathSet, type SupernetLayout } from "./layout.js";
import { ModelCache } from "../nn/engine/model-cache.js";
import { describeParams } from "../nn/layers.js";

/** A supernet step's result: the loss, the weights' gradients, and what the edge mode chains back to alpha. */
export interface SupernetGradients {
  loss: number;
  /** Gradients of the shared weights on the path that ran (no entries for ops that did not run). */
  grads: HostTensors;
  /** dLoss/dw per edge, summed over the cells that share it. */
  dw: number[][];
  /** Per edge, the edge outputs' cotangent summed over batch, pixels, channels and cells (probe graphs only). */
  probeSum: number[];
}

/**
 * Runs a cell space's supernet (a SupernetLayout) on an engine. The shared weights live in the caller's
 * state (host arrays), not here: each call writes the weights of the path it runs into a compiled graph
 * for that path (kept in a small cache by path), so the runner holds nothing a checkpoint would need.
 */
export class SupernetRunner {
  private readonly models: ModelCache;
  /** Each mixed edge's architecture row. */
  private readonly owner = new Map<string, number>();
  private probeChannels: Map<string, number> | null = null;

  constructor(
    readonly engine: Engine,
    readonly layout: SupernetLayout,
    cacheSize = 16,
    /** PC-DARTS's K: each edge's ops see C/K channels (1: the full supernet). */
    readonly partialChannels = 1,
  ) {
    this.models = new ModelCache(engine, cacheSize);
    layout.edges.forEach((paths, row) => paths.forEach((path) => this.owner.set(path, row)));
  }

  /** Fresh shared weights of every op (the supernet with all ops on every edge). */
  initialWeights(rng: Rng): Weights {
    const { params, state } = initNetwork(this.layout.network(allOps(this.layout), { partialChannels: this.partialChannels }), this.layout.input, rng);
    for (const edge of this.owner.keys()) delete params[`${edge}.w`];
    return { params, state };
  }

  private model(paths: PathSet, probe: boolean, weights: Weights): Model {
    return this.models.get(JSON.stringify([paths, probe]), () => lowerNetwork(this.layout.network(paths, { probe, partialChannels: this.partialChannels }), this.layout.input), weights);
  }

  /** The output channels of each mixed edge (the size of its GDAS probe), read once from the supernet's parameters. */
  private channelsOf(edge: string): number {
    if (!this.probeChannels) {
      const single = this.layout.edges.map(() => [0]);
      const { params } = describeParams(this.layout.network(single, { probe: true, partialChannels: this.partialChannels }), this.layout.input);
      this.probeChannels = new Map(params.filter((p) => p.name.endsWith(".probe")).map((p) => [p.name.slice(0, -".probe".length), p.shape[0]]));
    }
    return this.probeChannels.get(edge) as number;
  }

  /** The shared weights plus this sample's mixing weights (and zero probes), as the path's graph wants them. */
  private withMixing(weights: Weights, sample: Pick<EdgeSample, "paths" | "w" | "probe">): Weights {
    const params: HostTensors = { ...weights.params };
    for (const [edge, row] of this.owner) {
      params[`${edge}.w`] = { shape: [sample.w[row].length], data: Float32Array.from(sample.w[row]) };
      if (sample.probe) {
        const channels = this.channelsOf(edge);
        params[`${edge}.probe`] = { shape: [channels], data: new Float32Array(channels) };
      }
    }
    return { params, state: weights.state };
  }

  private async prepared(weights: Weights, sample: Pick<EdgeSample, "paths" | "w" | "probe">): Promise<Model> {
    const full = this.withMixing(weights, sample);
    const model = this.model(sample.paths, sample.probe, full);
    await model.setWeights(full);
    return model;
  }

  /** Cross-entropy and its gradients on one batch, BatchNorm on batch statistics (training mode) unless `training` is false. */
  async gradients(weights: Weights, sample: EdgeSample, x: Float32Array, labels: Int32Array, training = true): Promise<SupernetGradients> {
    const model = await this.prepared(weights, sample);
    const result = await model.valueAndGrad(x, labels.length, { kind: "crossEntropy", labels }, { training });
    const grads: HostTensors = {};
    const dw = sample.w.map((row) => row.map(() => 0));
    const probeSum = sample.w.map(() => 0);
    for (const [name, grad] of Object.entries(result.grads)) {
      const leaf = name.slice(name.lastIndexOf(".") + 1);
      const edge = this.owner.get(name.slice(0, name.lastIndexOf(".")));
      if (edge !== undefined && leaf === "w") grad.data.forEach((g, j) => (dw[edge][j] += g));
      else if (edge !== undefined && leaf === "probe") probeSum[edge] += grad.data.reduce((a, b) => a + b, 0);
      else grads[name] = grad;
    }
    return { loss: result.value, grads, dw, probeSum };
  }

  /** Logits [count, classes] of the network a sample runs; BatchNorm on batch statistics when `training`. */
  async logits(weights: Weights, sample: Pick<EdgeSample, "paths" | "w" | "probe">, x: Float32Array, count: number, training: boolean): Promise<HostTensor> {
    return (await this.prepared(weights, sample)).forward(x, count, training);
  }

  /**
   * BatchNorm statistics recomputed for one path (SPOS, Guo et al. 2020, sec. 3.3): the mean over the
   * calibration batches of each batch's statistics, read back from one momentum update per batch.
   */
  async recalibrate(weights: Weights, paths: PathSet, batches: Float32Array[], count: number): Promise<Weights> {
    const sample = { paths, w: paths.map((p) => p.map(() => 1 / p.length)), probe: false };
    const model = this.model(paths, false, this.withMixing(weights, sample));
    const names = model.graph.state.map((s) => s.name);
    const zeros: HostTensors = Object.fromEntries(names.map((n) => [n, { shape: weights.state[n].shape, data: new Float32Array(weights.state[n].data.length) }]));
    const sums: HostTensors = Object.fromEntries(names.map((n) => [n, { shape: weights.state[n].shape, data: new Float32Array(weights.state[n].data.length) }]));
    for (const x of batches) {
      await model.setWeights(this.withMixing({ params: weights.params, state: { ...weights.state, ...zeros } }, sample));
      await model.trainStep(x, count, new Int32Array(count), 0);
      const after = (await model.weights()).state;
      for (const n of names) after[n].data.forEach((v, i) => (sums[n].data[i] += v / BATCH_NORM_MOMENTUM / batches.length));
    }
    return { params: weights.params, state: { ...weights.state, ...sums } };
  }

  dispose(): void {
    this.models.dispose();
  }
}

/** The NB201 supernet's runner (`SupernetRunner` on `nb201Layout(shape)`). */
export class Nb201SupernetRunner extends SupernetRunner {
  constructor(engine: Engine, readonly shape: SupernetShape, cacheSize = 16, partialChannels = 1) {
    super(engine, nb201Layout(shape), cacheSize, partialChannels);
  }
}
