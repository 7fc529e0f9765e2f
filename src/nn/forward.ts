import { engine, type Tensor } from "./engine/index.js";
import type { Activation, Layer } from "./layers.js";
import { BATCH_NORM_MOMENTUM, batchNormEval, batchNormTrain, channelShuffle, conv2d, dense, layerNorm, patches, pool2d, selfAttention } from "./ops.js";

export type TensorMap = Record<string, Tensor>;

export interface ForwardMode {
  training: boolean;
  /** PRNG key for dropout in training; split once per dropout layer. */
  key?: Tensor;
}

/**
 * Runs a network on a batch. `params` and `state` are flat maps keyed by parameter path (the names
 * `describeParams` gives); each tensor is consumed exactly once. In training mode BatchNorm uses batch
 * statistics and the new running averages come back in `state`; in eval mode `state` is returned untouched.
 */
export function forward(network: Layer, params: TensorMap, state: TensorMap, x: Tensor, mode: ForwardMode): { y: Tensor; state: TensorMap } {
  const run = new ForwardRun(params, state, mode);
  const y = run.apply(network, x, "");
  return { y, state: run.newState };
}

class ForwardRun {
  readonly newState: TensorMap = {};
  private key: Tensor | undefined;

  constructor(
    private readonly params: TensorMap,
    private readonly state: TensorMap,
    private readonly mode: ForwardMode,
  ) {
    this.key = mode.key;
  }

  private param(path: string, leaf: string): Tensor {
    const name = path ? `${path}.${leaf}` : leaf;
    const tensor = this.params[name];
    if (!tensor) throw new Error(`network parameter '${name}' is missing`);
    return tensor;
  }

  private stat(path: string, leaf: string): Tensor {
    const name = path ? `${path}.${leaf}` : leaf;
    const tensor = this.state[name];
    if (!tensor) throw new Error(`network state '${name}' is missing`);
    return tensor;
  }

  apply(layer: Layer, x: Tensor, path: string): Tensor {
    const at = (child: string) => (path ? `${path}.${child}` : child);
    const { numpy: np, nn, random } = engine();
    switch (layer.kind) {
      case "sequential":
        return layer.layers.reduce((h, child, i) => this.apply(child, h, at(String(i))), x);
      case "residual": {
        const body = this.apply(layer.body, x.ref, at("body"));
        const shortcut = layer.shortcut ? this.apply(layer.shortcut, x, at("shortcut")) : x;
        return body.add(shortcut);
      }
      case "cell": {
        const nodes: Tensor[] = [x];
        layer.nodes.forEach((edges, j) => {
          const terms = edges.filter((edge) => edge.op.kind !== "zero").map((edge) => this.apply(edge.op, nodes[edge.from].ref, at(`${j + 1}.${edges.indexOf(edge)}`)));
          nodes.push(terms.length ? terms.reduce((a, b) => a.add(b)) : np.zerosLike(nodes[0].ref));
        });
        const output = nodes.pop() as Tensor;
        nodes.forEach((node) => node.dispose());
        return output;
      }
      case "concat": {
        const outs = layer.branches.map((branch, i) => this.apply(branch, i === layer.branches.length - 1 ? x : x.ref, at(String(i))));
        return np.concatenate(outs, -1);
      }
      case "zero":
        return np.zerosLike(x);
      case "conv": {
        const y = conv2d(x, this.param(path, "w"), { stride: layer.stride, dilation: layer.dilation, groups: layer.groups });
        return layer.bias ? y.add(this.param(path, "b")) : y;
      }
      case "dense":
        return dense(x, this.param(path, "w"), layer.bias ?? true ? this.param(path, "b") : undefined);
      case "batchNorm": {
        const gamma = this.param(path, "gamma");
        const beta = this.param(path, "beta");
        const runningMean = this.stat(path, "mean");
        const runningVar = this.stat(path, "var");
        if (!this.mode.training) {
          return batchNormEval(x, gamma, beta, runningMean, runningVar);
        }
        const { y, mean, variance } = batchNormTrain(x, gamma, beta);
        const m = BATCH_NORM_MOMENTUM;
        this.newState[at("mean")] = runningMean.mul(1 - m).add(lax().stopGradient(mean).mul(m));
        this.newState[at("var")] = runningVar.mul(1 - m).add(lax().stopGradient(variance).mul(m));
        return y;
      }
      case "layerNorm":
        return layerNorm(x, this.param(path, "gamma"), this.param(path, "beta"));
      case "activation":
        return activate(layer.fn, x);
      case "pool":
        return pool2d(x, layer.op, layer.kernel, layer.stride, layer.padding);
      case "globalPool":
        return x.mean(x.ndim === 4 ? [1, 2] : [1]);
      case "flatten":
        return x.reshape([x.shape[0], -1]);
      case "dropout": {
        if (!this.mode.training || layer.rate === 0) return x;
        if (!this.key) throw new Error("dropout in training needs a PRNG key");
        const [next, sub] = random.split(this.key, 2) as unknown as [Tensor, Tensor];
        this.key = next;
        const keep = random.bernoulli(sub, 1 - layer.rate, x.shape).astype(np.float32);
        return x.mul(keep).mul(1 / (1 - layer.rate));
      }
      case "squeezeExcite": {
        const squeezed = nn.relu(dense(x.ref.mean([1, 2]), this.param(path, "w1"), this.param(path, "b1")));
        const gate = nn.hardSigmoid(dense(squeezed, this.param(path, "w2"), this.param(path, "b2")));
        const [n, , , c] = x.shape;
        return x.mul(gate.reshape([n, 1, 1, c]));
      }
      case "channelShuffle":
        return channelShuffle(x, layer.groups);
      case "patchEmbed":
        return dense(patches(x, layer.patch), this.param(path, "w"), this.param(path, "b")).add(this.param(path, "position"));
      case "attention":
        return selfAttention(x, layer.heads, this.param(path, "wqkv"), this.param(path, "bqkv"), this.param(path, "wo"), this.param(path, "bo"));
    }
  }
}

const lax = () => engine().lax;

export function activate(fn: Activation, x: Tensor): Tensor {
  const nn = engine().nn;
  switch (fn) {
    case "relu":
      return nn.relu(x);
    case "relu6":
      return nn.relu6(x);
    case "hswish":
      return nn.hardSwish(x);
    case "hsigmoid":
      return nn.hardSigmoid(x);
    case "gelu":
      return nn.gelu(x);
    case "sigmoid":
      return nn.sigmoid(x);
  }
}
