import { type Tensor, TensorMap, dense, engine, layerNorm } from "./engine/jax/direct.js";
import type { Rng } from "../core/rng.js";
import type { CausalLmShape } from "./causal-lm-shape.js";

export type { CausalLmShape } from "./causal-lm-shape.js";


/** Parameter names and shapes, in a fixed order; the count equals `totalParams` of the matching LlmArchitecture. */
export function causalLmParamShapes(shape: CausalLmShape): [string, number[]][] {
  const { dModel: d, heads, kvHeads, ffnDim: f } = shape;
  const dh = d / heads;
  const qkv = d + 2 * kvHeads * dh;
  const out: [string, number[]][] = [["embed", [shape.vocab, d]], ["position", [shape.context, d]]];
  for (let l = 0; l < shape.layers; l++) {
    out.push([`${l}.ln1.g`, [d]], [`${l}.ln1.b`, [d]], [`${l}.qkv.w`, [d, qkv]], [`${l}.qkv.b`, [qkv]], [`${l}.out.w`, [d, d]], [`${l}.out.b`, [d]]);
    out.push([`${l}.ln2.g`, [d]], [`${l}.ln2.b`, [d]], [`${l}.fc.w`, [d, f]], [`${l}.fc.b`, [f]], [`${l}.proj.w`, [f, d]], [`${l}.proj.b`, [d]]);
  }
  out.push(["lnf.g", [d]], ["lnf.b", [d]]);
  if (!shape.tied) out.push(["head", [d, shape.vocab]]);
  return out;
}

/**
 * GPT-2's initialisation: N(0, 0.02) weights, residual output projections scaled by 1/sqrt(2L), zero biases,
 * unit LayerNorm gains. One seeded stream per parameter, so a shape always starts from the same weights.
 */
export function initCausalLm(shape: CausalLmShape, rng: Rng): TensorMap {
  const np = engine().numpy;
  const params: TensorMap = {};
  for (const [name, dims] of causalLmParamShapes(shape)) {
    const count = dims.reduce((a, b) => a * b, 1);
    const values = new Float32Array(count);
    if (name.endsWith(".g")) values.fill(1);
    else if (dims.length === 2) {
      const std = name.endsWith("out.w") || name.endsWith("proj.w") ? 0.02 / Math.sqrt(2 * shape.layers) : 0.02;
      const stream = rng.fork(name);
      for (let i = 0; i < count; i++) values[i] = std * stream.normal();
    }
    params[name] = np.array(values).reshape(dims);
  }
  return params;
}

/**
 * Next-token log-probabilities [B*T, V] read out after each depth in `exits` (1..L, increasing), with the
 * final norm and head shared by every exit (the early-exit form of Schuster et al. 2022, "Confident Adaptive
 * Language Modeling"), and the one-hot targets [B*T, V]. `tokens` [B, T+1] int32: positions 0..T-1 are the
 * input, 1..T the targets. Consumes `params` and `tokens`; blocks past the last exit are not run.
 */
export function causalLmReadouts(shape: CausalLmShape, params: TensorMap, tokens: Tensor, exits: readonly number[]): { logProbabilities: Tensor[]; targets: Tensor } {
  const { numpy: np, nn } = engine();
  const [batch, length] = tokens.shape;
  const t = length - 1;
  const inputs = tokens.ref.slice([], [0, t]);
  const targets = nn.oneHot(tokens.slice([], [1, length]).reshape([batch * t]), shape.vocab);
  const embed = params.embed;
  const head = shape.tied ? embed.ref.transpose([1, 0]) : params.head;
  let h = np.matmul(nn.oneHot(inputs, shape.vocab).reshape([batch * t, shape.vocab]), embed).reshape([batch, t, shape.dModel]);
  h = h.add(params.position.slice([0, t]));
  const last = exits.at(-1) ?? shape.layers;
  const logProbabilities: Tensor[] = [];
  for (let l = 0; l < last; l++) {
    h = block(shape, params, l, h);
    if (exits.includes(l + 1)) {
      const normed = layerNorm(h.ref, params["lnf.g"].ref, params["lnf.b"].ref);
      logProbabilities.push(nn.logSoftmax(np.matmul(normed.reshape([batch * t, shape.dModel]), head.ref), -1));
    }
  }
  h.dispose();
  head.dispose();
  params["lnf.g"].dispose();
  params["lnf.b"].dispose();
  for (let l = last; l < shape.layers; l++) for (const leaf of BLOCK_LEAVES) params[`${l}.${leaf}`].dispose();
  return { logProbabilities, targets };
}

const BLOCK_LEAVES = ["ln1.g", "ln1.b", "qkv.w", "qkv.b", "out.w", "out.b", "ln2.g", "ln2.b", "fc.w", "fc.b", "proj.w", "proj.b"];

/** Mean cross-entropy (nats per token) after `exitAfter` blocks (all by default). Consumes `params` and `tokens`. */
export function causalLmLoss(shape: CausalLmShape, params: TensorMap, tokens: Tensor, exitAfter = shape.layers): Tensor {
  const { logProbabilities, targets } = causalLmReadouts(shape, params, tokens, [exitAfter]);
  const count = targets.shape[0];
  return logProbabilities[0].mul(targets).sum().mul(-1 / count);
}

/** The mean over every depth 1..L of the exit's cross-entropy: the loss that trains exits (Schuster et al. 2022). */
export function causalLmExitLoss(shape: CausalLmShape, params: TensorMap, tokens: Tensor): Tensor {
  const exits = Array.from({ length: shape.layers }, (_, i) => i + 1);
  const { logProbabilities, targets } = causalLmReadouts(shape, params, tokens, exits);
  const count = targets.shape[0];
  const total = logProbabilities.map((lp) => lp.mul(targets.ref).sum()).reduce((a, b) => a.add(b));
  targets.dispose();
  return total.mul(-1 / (count * shape.layers));
}

/**
 * Causal scaled dot-product attention (Vaswani et al. 2017) on q [B, T, H, d_h] and k, v [B, T, H_kv, d_h],
 * each KV head shared by `groups` query heads (GQA, Ainslie et al. 2023). Written with matmuls because
 * jax-js's `dotProductAttention` needs Node 22's iterator helpers. Returns [B, T, H, d_h].
 */
function causalAttention(q: Tensor, k: Tensor, v: Tensor, groups: number): Tensor {
  const { numpy: np, nn } = engine();
  const [, t, , dh] = q.shape;
  const share = (x: Tensor) => (groups > 1 ? np.repeat(x, groups, 2) : x);
  const qh = q.transpose([0, 2, 1, 3]);
  const kh = share(k).transpose([0, 2, 3, 1]);
  const vh = share(v).transpose([0, 2, 1, 3]);
  // 0 on and below the diagonal, -1e9 above: position i attends to positions <= i.
  const mask = np.tri(t, t, 0).sub(1).mul(1e9);
  const scores = np.matmul(qh, kh).mul(1 / Math.sqrt(dh)).add(mask);
  return np.matmul(nn.softmax(scores, -1), vh).transpose([0, 2, 1, 3]);
}

function block(shape: CausalLmShape, params: TensorMap, l: number, x: Tensor): Tensor {
  const { nn } = engine();
  const p = (leaf: string) => params[`${l}.${leaf}`];
  const [batch, t, d] = x.shape;
  const dh = d / shape.heads;
  const qkv = dense(layerNorm(x.ref, p("ln1.g"), p("ln1.b")), p("qkv.w"), p("qkv.b"));
  const kvWidth = shape.kvHeads * dh;
  const q = qkv.ref.slice([], [], [0, d]).reshape([batch, t, shape.heads, dh]);
  const k = qkv.ref.slice([], [], [d, d + kvWidth]).reshape([batch, t, shape.kvHeads, dh]);
  const v = qkv.slice([], [], [d + kvWidth, d + 2 * kvWidth]).reshape([batch, t, shape.kvHeads, dh]);
  const attended = causalAttention(q, k, v, shape.heads / shape.kvHeads).reshape([batch, t, d]);
  const h = x.add(dense(attended, p("out.w"), p("out.b")));
  const hidden = nn.gelu(dense(layerNorm(h.ref, p("ln2.g"), p("ln2.b")), p("fc.w"), p("fc.b")));
  return h.add(dense(hidden, p("proj.w"), p("proj.b")));
}
