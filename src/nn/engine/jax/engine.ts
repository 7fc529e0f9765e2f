import type { OwnedFunction } from "@jax-js/jax";
import type { Graph } from "../../graph/graph.js";
import { argmax, checkWeights, EngineError, type Engine, type Gradients, type HostTensor, type HostTensors, type LossSpec, type Model, type ModelOptions, type OptimizerSpec, type Weights } from "../engine.js";
import { jax, type Tensor } from "./load.js";
import { adam, sgd, type Optimizer } from "./optimizer.js";
import { runGraph, type TensorMap } from "./run-graph.js";

type StepFunction = OwnedFunction<(params: TensorMap, state: TensorMap, opt: TensorMap, x: Tensor, labels: Tensor, lr: Tensor, key: Tensor) => [Tensor, TensorMap, TensorMap, TensorMap]>;
type ForwardFunction = OwnedFunction<(params: TensorMap, state: TensorMap, x: Tensor) => Tensor>;

function makeOptimizer(spec: OptimizerSpec): Optimizer {
  return spec.name === "adam"
    ? adam({ beta1: spec.beta1, beta2: spec.beta2, epsilon: spec.epsilon, weightDecay: spec.weightDecay })
    : sgd({ momentum: spec.momentum, nesterov: spec.nesterov, weightDecay: spec.weightDecay });
}

const toTensors = (host: HostTensors): TensorMap => Object.fromEntries(Object.entries(host).map(([name, t]) => [name, jax().numpy.array(t.data).reshape(t.shape)]));

async function toHost(tensors: TensorMap, shapes: { name: string; shape: number[] }[]): Promise<HostTensors> {
  const out: HostTensors = {};
  for (const { name, shape } of shapes) out[name] = { shape: [...shape], data: Float32Array.from((await tensors[name].ref.data()) as Float32Array) };
  return out;
}

/** Mean cross-entropy over every row of the last (class) axis: [N, classes] classifiers, [N, T, V] language models. */
function crossEntropy(y: Tensor, labels: Tensor, classes: number): Tensor {
  const { nn } = jax();
  const rows = y.reshape([-1, classes]);
  const count = rows.shape[0];
  return nn.logSoftmax(rows).mul(nn.oneHot(labels, classes)).sum().mul(-1 / count);
}

/**
 * A network compiled for jax-js: the training step (forward, backward, update) and the eval forward are
 * each one `jit` function per batch size, traced from the graph interpreter.
 */
class JaxModel implements Model {
  private params: TensorMap;
  private state: TensorMap;
  private opt: TensorMap;
  private readonly optimizer: Optimizer;
  private readonly classes: number;
  private step: StepFunction | undefined;
  private evalForward: ForwardFunction | undefined;
  private steps = 0;
  private disposed = false;

  constructor(
    readonly graph: Graph,
    weights: Weights,
    private readonly options: ModelOptions,
  ) {
    checkWeights(graph, weights);
    this.params = toTensors(weights.params);
    this.state = toTensors(weights.state);
    this.optimizer = makeOptimizer(options.optimizer);
    this.opt = this.optimizer.init(this.params);
    this.classes = graph.nodes[graph.output].shape.at(-1) as number;
  }

  private input(x: Float32Array, count: number): Tensor {
    if (this.disposed) throw new EngineError("jax engine: this model was disposed");
    const expected = count * this.graph.input.reduce((a, b) => a * b, 1);
    if (x.length !== expected) throw new EngineError(`jax engine: input batch: expected ${expected} values, got ${x.length}`);
    return jax().numpy.array(x).reshape([count, ...this.graph.input]);
  }

  async trainStep(x: Float32Array, count: number, labels: Int32Array, learningRate: number): Promise<number> {
    const { jit, valueAndGrad, tree, numpy: np, random } = jax();
    const graph = this.graph;
    const optimizer = this.optimizer;
    const classes = this.classes;
    this.step ??= jit((params: TensorMap, state: TensorMap, opt: TensorMap, xs: Tensor, ys: Tensor, lr: Tensor, key: Tensor): [Tensor, TensorMap, TensorMap, TensorMap] => {
      const loss = (p: TensorMap, s: TensorMap, input: Tensor, target: Tensor, k: Tensor): [Tensor, TensorMap] => {
        const { y, state: newState } = runGraph(graph, p, s, input, { training: true, key: k });
        return [crossEntropy(y, target, classes), newState];
      };
      const [[value, newState], grads] = valueAndGrad(loss, { hasAux: true })(tree.ref(params), state, xs, ys, key) as unknown as [[Tensor, TensorMap], TensorMap];
      const updated = optimizer.update(grads, opt, params, lr);
      return [value, updated.params, newState, updated.state];
    }) as unknown as StepFunction;
    const key = random.key((this.options.seed + this.steps++) % 2 ** 31);
    const [loss, params, state, opt] = this.step(this.params, this.state, this.opt, this.input(x, count), np.array(labels, { dtype: np.int32 }), np.array(learningRate), key);
    this.params = params;
    this.state = state;
    this.opt = opt;
    return ((await loss.data()) as Float32Array)[0];
  }

  async forward(x: Float32Array, count: number, training: boolean): Promise<HostTensor> {
    const { jit, tree, random } = jax();
    const input = this.input(x, count);
    let y: Tensor;
    if (training) {
      const run = runGraph(this.graph, tree.ref(this.params), tree.ref(this.state), input, { training, key: random.key(this.options.seed) });
      tree.dispose(run.state);
      y = run.y;
    } else {
      const graph = this.graph;
      this.evalForward ??= jit((p: TensorMap, s: TensorMap, xs: Tensor) => runGraph(graph, p, s, xs, { training: false }).y) as unknown as ForwardFunction;
      y = this.evalForward(tree.ref(this.params), tree.ref(this.state), input);
    }
    const shape = y.shape;
    return { shape, data: Float32Array.from((await y.data()) as Float32Array) };
  }

  async predict(x: Float32Array, count: number): Promise<Int32Array> {
    return argmax(await this.forward(x, count, false));
  }

  async valueAndGrad(x: Float32Array, count: number, loss: LossSpec, options: { training: boolean; wrtInput?: boolean }): Promise<Gradients> {
    const { valueAndGrad, tree, numpy: np, random } = jax();
    const target = loss.kind === "crossEntropy" ? np.array(loss.labels, { dtype: np.int32 }) : np.array(loss.cotangent);
    const objective = (p: TensorMap, input: Tensor): Tensor => {
      const run = runGraph(this.graph, p, tree.ref(this.state), input, { training: options.training, key: random.key(this.options.seed) });
      tree.dispose(run.state);
      return loss.kind === "crossEntropy" ? crossEntropy(run.y, target.ref, this.classes) : run.y.mul(target.ref.reshape(run.y.shape)).sum();
    };
    const [value, [grads, inputGrad]] = valueAndGrad(objective, { argnums: [0, 1] })(tree.ref(this.params), this.input(x, count)) as unknown as [Tensor, [TensorMap, Tensor]];
    target.dispose();
    const result: Gradients = { value: ((await value.data()) as Float32Array)[0], grads: await toHost(grads, this.graph.params) };
    tree.dispose(grads);
    if (options.wrtInput) result.input = Float32Array.from((await inputGrad.data()) as Float32Array);
    else inputGrad.dispose();
    return result;
  }

  async weights(): Promise<Weights> {
    return { params: await toHost(this.params, this.graph.params), state: await toHost(this.state, this.graph.state) };
  }

  async setWeights(weights: Weights): Promise<void> {
    checkWeights(this.graph, weights);
    jax().tree.dispose([this.params, this.state]);
    this.params = toTensors(weights.params);
    this.state = toTensors(weights.state);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    jax().tree.dispose([this.params, this.state, this.opt]);
    this.step?.dispose();
    this.evalForward?.dispose();
  }
}

/** The portable engine: jax-js on wasm (browsers, machines without libtorch). */
export function jaxEngine(threads: number): Engine {
  return { name: "jax", version: "jax-js 0.1.25 (wasm)", threads, compile: (graph, weights, options) => new JaxModel(graph, weights, options) };
}
