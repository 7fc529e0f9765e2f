import type { HostTensors } from "../nn/engine/engine.js";

/**
 * SGD with Nesterov momentum and L2 weight decay on 2+-axis tensors (torch.optim.SGD's arithmetic, as
 * OFA trains with), as a pure function: returns new parameters and momentum buffers, changes neither
 * argument, so the progressive-shrinking state checkpoints and resumes bit for bit. Parameters without a
 * gradient are left alone. The 2-D transformation matrices are decayed like convs (OFA exempts only BN and biases).
 */
export function sgdStep(params: HostTensors, grads: HostTensors, momentum: HostTensors, learningRate: number, options: { momentum: number; weightDecay: number }): { params: HostTensors; momentum: HostTensors } {
  const nextParams: HostTensors = { ...params };
  const nextMomentum: HostTensors = { ...momentum };
  for (const [name, grad] of Object.entries(grads)) {
    const param = params[name];
    if (!param) throw new Error(`sgdStep: a gradient for '${name}', which is not a parameter`);
    const decay = param.shape.length >= 2 ? options.weightDecay : 0;
    const previous = momentum[name]?.data;
    const buffer = new Float32Array(param.data.length);
    const value = new Float32Array(param.data.length);
    for (let i = 0; i < value.length; i++) {
      const g = grad.data[i] + decay * param.data[i];
      const b = previous ? options.momentum * previous[i] + g : g;
      buffer[i] = b;
      value[i] = param.data[i] - learningRate * (g + options.momentum * b);
    }
    nextParams[name] = { shape: param.shape, data: value };
    nextMomentum[name] = { shape: param.shape, data: buffer };
  }
  return { params: nextParams, momentum: nextMomentum };
}

/** Sums gradient maps (several sub-networks per step accumulate, as OFA's repeated backward()). */
export function addGradients(into: HostTensors, more: HostTensors): HostTensors {
  for (const [name, g] of Object.entries(more)) {
    const have = into[name];
    if (!have) into[name] = { shape: g.shape, data: Float32Array.from(g.data) };
    else for (let i = 0; i < g.data.length; i++) have.data[i] += g.data[i];
  }
  return into;
}
