import type { Rng } from "../core/rng.js";
import { engine } from "./engine/index.js";
import type { TensorMap } from "./forward.js";
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

export interface InitializedNetwork {
  params: TensorMap;
  state: TensorMap;
  output: Shape;
}

export function initNetwork(network: Layer, input: Shape, rng: Rng): InitializedNetwork {
  const np = engine().numpy;
  const { params, state, output } = describeParams(network, input);
  const toTensors = (infos: ParamInfo[]) => Object.fromEntries(infos.map((info) => [info.name, np.array(initialValues(info, rng.fork(info.name))).reshape(info.shape)]));
  return { params: toTensors(params), state: toTensors(state), output };
}
