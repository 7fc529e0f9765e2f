import type { Graph } from "../../graph/graph.js";
import { argmax, checkWeights, EngineError, type Engine, type Gradients, type HostTensor, type LossSpec, type Model, type ModelOptions, type Weights } from "../engine.js";
import type { TorchAddon, TorchModelHandle } from "./binding.js";

/** Turns an addon error (it names the layer, the op and the input shapes) into the engine's error. */
function call<T>(graph: Graph, body: () => T): T {
  try {
    return body();
  } catch (error) {
    void graph;
    throw new EngineError(`torch engine: ${(error as Error).message.split("\n")[0]}`);
  }
}


class TorchModel implements Model {
  private handle: TorchModelHandle | undefined;

  constructor(
    readonly graph: Graph,
    addon: TorchAddon,
    weights: Weights,
    options: ModelOptions,
  ) {
    checkWeights(graph, weights);
    this.handle = call(graph, () => new addon.Model(graph, { ...options.optimizer, seed: options.seed }));
    this.writeWeights(weights);
  }

  private get model(): TorchModelHandle {
    if (!this.handle) throw new EngineError("torch engine: this model was disposed");
    return this.handle;
  }

  private writeWeights(weights: Weights): void {
    const params = this.graph.params.map((p) => weights.params[p.name].data);
    const state = this.graph.state.map((s) => weights.state[s.name].data);
    call(this.graph, () => this.model.setWeights(params, state));
  }

  async trainStep(x: Float32Array, count: number, labels: Int32Array, learningRate: number): Promise<number> {
    return call(this.graph, () => this.model.trainStep(x, count, labels, learningRate));
  }

  async forward(x: Float32Array, count: number, training: boolean): Promise<HostTensor> {
    const data = call(this.graph, () => this.model.forward(x, count, training));
    return { shape: [count, ...this.graph.nodes[this.graph.output].shape], data };
  }

  async predict(x: Float32Array, count: number): Promise<Int32Array> {
    return argmax(await this.forward(x, count, false));
  }

  async valueAndGrad(x: Float32Array, count: number, loss: LossSpec, options: { training: boolean; wrtInput?: boolean }): Promise<Gradients> {
    const target = loss.kind === "crossEntropy" ? loss.labels : loss.cotangent;
    const result = call(this.graph, () => this.model.valueAndGrad(x, count, loss.kind, target, options.training, options.wrtInput ?? false));
    const grads = Object.fromEntries(this.graph.params.map((p, i) => [p.name, { shape: [...p.shape], data: result.grads[i] }]));
    return { value: result.value, grads, input: result.input };
  }

  async weights(): Promise<Weights> {
    const { params, state } = call(this.graph, () => this.model.getWeights());
    return {
      params: Object.fromEntries(this.graph.params.map((p, i) => [p.name, { shape: [...p.shape], data: params[i] }])),
      state: Object.fromEntries(this.graph.state.map((s, i) => [s.name, { shape: [...s.shape], data: state[i] }])),
    };
  }

  async setWeights(weights: Weights): Promise<void> {
    checkWeights(this.graph, weights);
    this.writeWeights(weights);
  }

  dispose(): void {
    this.handle?.dispose();
    this.handle = undefined;
  }
}

/** The native engine: libtorch through the N-API addon in native/torch (forward, backward and update in C++). */
export function torchEngine(addon: TorchAddon, threads: number): Engine {
  addon.setThreads(threads);
  return {
    name: "torch",
    version: `libtorch ${addon.version}`,
    threads: addon.threads(),
    compile: (graph, weights, options) => new TorchModel(graph, addon, weights, options),
  };
}
