import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { causalLmGraph, initCausalLm, nextTokenBatch, weightsFor, type CausalLmShape } from "../src/nn/causal-lm.js";
import { loadEngine, type Weights } from "../src/nn/engine/index.js";
import { pruneWidth, selectWidth, widthImportance } from "../src/nn/width-prune.js";
import { resolveArchitecture } from "../src/space/builtin/llm-architecture.js";
import { totalParams } from "../src/cost/llm/params.js";
import { Rng } from "../src/core/rng.js";

/** Width pruning of a causal LM: heads (whole GQA groups with their KV head) and FFN channels by Michel et al.'s importance. */
const mha: CausalLmShape = { layers: 2, dModel: 16, heads: 4, kvHeads: 4, ffnDim: 32, vocab: 13, context: 8, tied: false };
const gqa: CausalLmShape = { ...mha, heads: 4, kvHeads: 2, tied: true };
const SGD = { name: "sgd", momentum: 0, nesterov: false, weightDecay: 0 } as const;

function windows(shape: CausalLmShape, count: number): Int32Array {
  const rng = Rng.derive("width-prune", "data");
  return Int32Array.from({ length: count * (shape.context + 1) }, () => rng.int(0, shape.vocab - 1));
}

/** Weights scaled up from GPT-2's init so attention is far from uniform, with some heads' and channels' output rows zeroed. */
function weightsWithDeadUnits(shape: CausalLmShape, deadHeads: number[], deadChannels: number[]): Weights {
  const weights = initCausalLm(shape, Rng.derive("width-prune", "init"));
  for (const t of Object.values(weights.params)) if (t.shape.length === 2) t.data.forEach((v, i) => (t.data[i] = v * 20));
  const dh = shape.dModel / shape.heads;
  for (let l = 0; l < shape.layers; l++) {
    for (const h of deadHeads) weights.params[`${l}.out.w`].data.fill(0, h * dh * shape.dModel, (h + 1) * dh * shape.dModel);
    for (const j of deadChannels) weights.params[`${l}.proj.w`].data.fill(0, j * shape.dModel, (j + 1) * shape.dModel);
  }
  return weights;
}

async function logits(shape: CausalLmShape, weights: Weights, data: Int32Array, count: number): Promise<Float32Array> {
  const graph = causalLmGraph(shape);
  const model = (await loadEngine()).compile(graph, weightsFor(graph, weights), { optimizer: SGD, seed: 0 });
  const { x } = nextTokenBatch(data, count, shape.context);
  const out = (await model.forward(x, count, false)).data;
  model.dispose();
  return out;
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
}

describe("width pruning (heads, KV groups, FFN channels)", () => {
  it("heads and FFN channels whose output rows are zero have importance 0; dropping them leaves the logits unchanged", async () => {
    const deadChannels = Array.from({ length: 16 }, (_, i) => 2 * i + 1);
    const weights = weightsWithDeadUnits(mha, [1, 3], deadChannels);
    const data = windows(mha, 6);
    const importance = await widthImportance(await loadEngine(), mha, weights, data, 4);
    for (let l = 0; l < mha.layers; l++) {
      assert.deepEqual([1, 3].map((h) => importance.heads[l][h]), [0, 0]);
      assert.ok(importance.heads[l][0] > 0 && importance.heads[l][2] > 0, `live heads scored ${importance.heads[l]}`);
      for (const j of deadChannels) assert.equal(importance.ffn[l][j], 0);
    }
    const selection = selectWidth(mha, importance, { heads: 2, kvHeads: 2, ffnDim: 16 });
    assert.deepEqual(selection.heads, [[0, 2], [0, 2]]);
    assert.deepEqual(selection.ffn[0], Array.from({ length: 16 }, (_, i) => 2 * i));
    const pruned = pruneWidth(mha, weights, selection);
    const diff = maxDiff(await logits(mha, weights, data, 6), await logits(pruned.shape, pruned.weights, data, 6));
    assert.ok(diff < 1e-4, `logits moved by ${diff}`);
    // Dropping a live head instead does move them.
    const wrong = pruneWidth(mha, weights, { ...selection, heads: [[0, 1], [0, 1]], kvHeads: [[0, 1], [0, 1]] });
    assert.ok(maxDiff(await logits(mha, weights, data, 6), await logits(wrong.shape, wrong.weights, data, 6)) > 1e-2);
  });

  it("GQA: a key/value head goes with its whole group of query heads, and dropping a dead group leaves the logits unchanged", async () => {
    // Group 0 = query heads 0, 1 (KV head 0); group 1 = query heads 2, 3 (KV head 1). Group 0 is dead.
    const weights = weightsWithDeadUnits(gqa, [0, 1], []);
    const data = windows(gqa, 4);
    const importance = await widthImportance(await loadEngine(), gqa, weights, data, 4);
    const selection = selectWidth(gqa, importance, { heads: 2, kvHeads: 1, ffnDim: 32 });
    assert.deepEqual(selection.kvHeads, [[1], [1]]);
    assert.deepEqual(selection.heads, [[2, 3], [2, 3]]);
    const pruned = pruneWidth(gqa, weights, selection);
    assert.deepEqual([pruned.shape.heads, pruned.shape.kvHeads, pruned.shape.headDim], [2, 1, 4]);
    const diff = maxDiff(await logits(gqa, weights, data, 4), await logits(pruned.shape, pruned.weights, data, 4));
    assert.ok(diff < 1e-4, `logits moved by ${diff}`);
  });

  it("the importance of a head is |dL/dxi| for a gate xi on its output (central finite difference)", async () => {
    const weights = weightsWithDeadUnits(mha, [], []);
    const data = windows(mha, 4);
    const importance = await widthImportance(await loadEngine(), mha, weights, data, 4);
    const graph = causalLmGraph(mha);
    const { x, labels } = nextTokenBatch(data, 4, mha.context);
    const lossWithGate = async (layer: number, head: number, gate: number): Promise<number> => {
      const gated = structuredClone(weights);
      const out = gated.params[`${layer}.out.w`].data;
      for (let i = head * 4 * mha.dModel; i < (head + 1) * 4 * mha.dModel; i++) out[i] *= gate;
      const model = (await loadEngine()).compile(graph, weightsFor(graph, gated), { optimizer: SGD, seed: 0 });
      const { value } = await model.valueAndGrad(x, 4, { kind: "crossEntropy", labels }, { training: false });
      model.dispose();
      return value;
    };
    const eps = 1e-2;
    for (const [layer, head] of [[0, 1], [1, 2]]) {
      const numeric = Math.abs((await lossWithGate(layer, head, 1 + eps)) - (await lossWithGate(layer, head, 1 - eps))) / (2 * eps);
      const analytic = importance.heads[layer][head];
      assert.ok(Math.abs(numeric - analytic) < 0.05 * analytic + 1e-4, `layer ${layer} head ${head}: finite difference ${numeric}, importance ${analytic}`);
    }
  });

  it("the pruned model's parameters are the analytic count of the smaller llm config", () => {
    const shape: CausalLmShape = { layers: 3, dModel: 48, heads: 6, kvHeads: 3, ffnDim: 192, vocab: 256, context: 64, tied: false };
    const weights = initCausalLm(shape, Rng.derive("width-prune", "count"));
    const importance = { heads: Array.from({ length: 3 }, (_, l) => Float64Array.from({ length: 6 }, (_, h) => (h * 7 + l) % 5)), ffn: Array.from({ length: 3 }, () => Float64Array.from({ length: 192 }, (_, j) => Math.sin(j))) };
    for (const target of [{ heads: 4, kvHeads: 2, ffnDim: 96 }, { heads: 2, kvHeads: 1, ffnDim: 48 }, { heads: 1, kvHeads: 1, ffnDim: 1 }]) {
      const pruned = pruneWidth(shape, weights, selectWidth(shape, importance, target));
      const count = Object.values(weightsFor(causalLmGraph(pruned.shape), pruned.weights).params).reduce((n, t) => n + t.data.length, 0);
      const analytic = totalParams(resolveArchitecture({ layers: 3, dModel: 48, heads: target.heads, kvHeads: target.kvHeads, headDim: 8, ffn: "gelu", ffnDim: target.ffnDim, vocab: 256, context: 64, tiedEmbeddings: false, norm: "layernorm", bias: "all", positions: "learned" }));
      assert.equal(count, analytic, JSON.stringify(target));
      for (const [name, t] of Object.entries(pruned.weights.params)) assert.equal(t.data.length, t.shape.reduce((a, b) => a * b, 1), name);
    }
  });

  it("a target wider than the model, or with unequal GQA groups, is refused with the field named", () => {
    const importance = { heads: [new Float64Array(4), new Float64Array(4)], ffn: [new Float64Array(32), new Float64Array(32)] };
    assert.throws(() => selectWidth(gqa, importance, { heads: 4, kvHeads: 3, ffnDim: 8 }), /kvHeads 3 must be 1..2/);
    assert.throws(() => selectWidth(gqa, importance, { heads: 3, kvHeads: 2, ffnDim: 8 }), /heads 3 must be a multiple of kvHeads 2/);
    assert.throws(() => selectWidth(gqa, importance, { heads: 3, kvHeads: 1, ffnDim: 8 }), /at most 2 query heads per key\/value head/);
    assert.throws(() => selectWidth(gqa, importance, { heads: 2, kvHeads: 1, ffnDim: 33 }), /ffnDim 33 must be 1..32/);
  });
});
