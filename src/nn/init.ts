import type { Rng } from "../core/rng.js";
import type { HostTensors, Weights } from "./engine/engine.js";
import { describeParams, type Layer, type ParamInfo, type Shape } from "./layers.js";

/** Initial values (He normal for convs, LeCun normal for dense layers, N(0, 0.02) for position embeddings), from one seeded stream. */
export function initialValues(info: ParamInfo, rng: Rng): Float32Array {
  const count = info.shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(count);
  const std = info.init === "he" ? Math.sqrt(2 / info.fanIn) : info.init === "lecun" ? Math.sqrt(1 / info.fanIn) : info.init === "normal02" ? 0.02 : 0;
  if (std > 0) for (let i = 0; i < count; i++) values[i] = std * rng.normal();
  else if (info.init === "ones") values.fill(1);
  return values;
}

export interface InitializedNetwork extends Weights {
  output: Shape;
}

/** Fresh weights for a network (host arrays, engine-independent: the same seed gives the same weights on every engine). */
export function initNetwork(network: Layer, input: Shape, rng: Rng): InitializedNetwork {
  const { params, state, output } = describeParams(network, input);
  const toHost = (infos: ParamInfo[]): HostTensors => Object.fromEntries(infos.map((info) => [info.name, { shape: [...info.shape], data: initialValues(info, rng.fork(info.name)) }]));
  return { params: toHost(params), state: toHost(state), output };
}
