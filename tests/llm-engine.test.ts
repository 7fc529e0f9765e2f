import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { causalLmGraph, causalLmParamShapes, initCausalLm, nextTokenBatch, weightsFor, type CausalLmShape } from "../src/nn/causal-lm.js";
import { availableEngines, loadEngine, type EngineName, type Model } from "../src/nn/engine/index.js";
import { meanCrossEntropy, repeatLabels } from "../src/nn/text-trainer.js";
import { Rng } from "../src/core/rng.js";

/**
 * The causal LM as an engine graph (embedding, causal GQA attention, tied heads, stacked early exits,
 * per-token cross-entropy) on every engine that loads here, and torch against jax where both load.
 */
const ENGINES = process.env.NASCENT_ENGINE === "jax" || process.env.NASCENT_ENGINE === "torch" ? [process.env.NASCENT_ENGINE as EngineName] : availableEngines();
const SGD = { name: "sgd", momentum: 0, nesterov: false, weightDecay: 0 } as const;
const gqa: CausalLmShape = { layers: 2, dModel: 16, heads: 4, kvHeads: 2, ffnDim: 24, vocab: 11, context: 6, tied: true };
const mha: CausalLmShape = { ...gqa, kvHeads: 4, tied: false };
// Attention width 4 x 3 = 12 apart from dModel 16 (a given head dimension, as width-pruned heads leave it).
const narrow: CausalLmShape = { ...gqa, headDim: 3 };

function batch(shape: CausalLmShape, count: number, seed: string): { x: Float32Array; labels: Int32Array } {
  const rng = Rng.derive("llm-engine", seed);
  const windows = Int32Array.from({ length: count * (shape.context + 1) }, () => rng.int(0, shape.vocab - 1));
  return nextTokenBatch(windows, count, shape.context);
}

async function compiled(engineName: EngineName, shape: CausalLmShape, exits?: number[]): Promise<Model> {
  const engine = await loadEngine(engineName);
  const graph = causalLmGraph(shape, exits);
  // Larger than GPT-2's 0.02 so attention is far from uniform and a wrong mask or head grouping shows.
  const weights = initCausalLm({ ...shape }, Rng.derive("llm-engine", "init"));
  for (const t of Object.values(weights.params)) if (t.shape.length === 2) t.data.forEach((v, i) => (t.data[i] = v * 20));
  return engine.compile(graph, weightsFor(graph, weights), { optimizer: SGD, seed: 0 });
}

describe("causal LM on the engines", () => {
  it("the graph reads exactly the parameters of causalLmParamShapes (tied and untied), and fewer blocks for an early exit", () => {
    for (const shape of [gqa, mha, narrow]) assert.deepEqual(causalLmGraph(shape).params.map((p) => p.name).sort(), causalLmParamShapes(shape).map(([name]) => name).sort());
    assert.ok(!causalLmGraph(mha, [1]).params.some((p) => p.name.startsWith("1.")));
    assert.throws(() => causalLmGraph(mha, [2, 1]), /exits must be increasing depths in 1..2/);
  });

  for (const engineName of ENGINES) {
    it(`${engineName}: position t's logits do not depend on tokens after t (causal mask), and do on tokens before`, async () => {
      for (const shape of [gqa, mha, narrow]) {
        const model = await compiled(engineName, shape);
        const { x } = batch(shape, 1, "causal");
        const base = (await model.forward(x, 1, false)).data;
        const changed = Float32Array.from(x);
        changed[3] = (changed[3] + 1) % shape.vocab;
        const after = (await model.forward(changed, 1, false)).data;
        model.dispose();
        const v = shape.vocab;
        for (let t = 0; t < shape.context; t++) {
          const diff = Math.max(...Array.from({ length: v }, (_, k) => Math.abs(base[t * v + k] - after[t * v + k])));
          if (t < 3) assert.ok(diff < 1e-5, `position ${t} changed by ${diff} when token 3 changed`);
          else assert.ok(diff > 1e-3, `position ${t} ignored token 3 (diff ${diff})`);
        }
      }
    });

    it(`${engineName}: per-token cross-entropy (labels [N*T]) equals the host's from the logits; stacked exits take repeated labels`, async () => {
      const model = await compiled(engineName, gqa);
      const { x, labels } = batch(gqa, 3, "loss");
      const logits = (await model.forward(x, 3, false)).data;
      const { value } = await model.valueAndGrad(x, 3, { kind: "crossEntropy", labels }, { training: false });
      model.dispose();
      assert.ok(Math.abs(value - meanCrossEntropy(logits, labels, gqa.vocab)) < 1e-4, `${value}`);
      const exits = await compiled(engineName, gqa, [1, 2]);
      const stacked = (await exits.forward(x, 3, false)).data;
      const both = await exits.valueAndGrad(x, 3, { kind: "crossEntropy", labels: repeatLabels(labels, 2) }, { training: false });
      exits.dispose();
      // Row t * 2 + 1 (the last exit) equals the single-exit graph's row t.
      for (let r = 0; r < 18; r++) for (let k = 0; k < gqa.vocab; k++) assert.ok(Math.abs(stacked[(r * 2 + 1) * gqa.vocab + k] - logits[r * gqa.vocab + k]) < 1e-4);
      assert.ok(Math.abs(both.value - meanCrossEntropy(stacked, repeatLabels(labels, 2), gqa.vocab)) < 1e-4);
    });
  }

  if (ENGINES.length === 2) {
    it("torch and jax agree on logits and gradients (GQA + tied head, MHA + untied head, early exits, head dimension apart from d_model / heads)", async () => {
      for (const [shape, exits] of [[gqa, undefined], [mha, undefined], [mha, [1, 2]], [narrow, undefined]] as const) {
        const { x, labels } = batch(shape, 2, "parity");
        const target = exits ? repeatLabels(labels, exits.length) : labels;
        const results = [];
        for (const engineName of ENGINES) {
          const model = await compiled(engineName, shape, exits ? [...exits] : undefined);
          results.push({ logits: (await model.forward(x, 2, false)).data, grads: await model.valueAndGrad(x, 2, { kind: "crossEntropy", labels: target }, { training: true }) });
          model.dispose();
        }
        const [a, b] = results;
        const scale = Math.max(...a.logits.map(Math.abs));
        a.logits.forEach((v, i) => assert.ok(Math.abs(v - b.logits[i]) < 1e-4 * scale, `logit ${i}: ${v} vs ${b.logits[i]}`));
        assert.ok(Math.abs(a.grads.value - b.grads.value) < 1e-4);
        for (const [name, g] of Object.entries(a.grads.grads)) {
          const h = b.grads.grads[name].data;
          const gScale = Math.max(1e-6, ...g.data.map(Math.abs));
          g.data.forEach((v, i) => assert.ok(Math.abs(v - h[i]) < 1e-3 * gScale, `${name}[${i}]: ${v} vs ${h[i]}`));
        }
      }
    });
  }
});
