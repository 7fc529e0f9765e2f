/**
 * Early exit on a tiny GPT (King James Bible, byte-level): a model trained with the mean of its exits' losses
 * (every depth reads out through the shared final norm and head; Schuster et al. 2022, CALM), then, per
 * validation token, exit at the first depth whose top probability reaches a threshold tau. Sweeping tau gives
 * validation loss against the average number of layers run. Runs on the engine (torch by default).
 * Writes docs/bench/llm-early-exit.json.
 *
 *   NASCENT_THREADS=1 node dist/bench/llm-early-exit.js [steps=1500] [layers=4] [dModel=64]
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadEngine } from "../src/nn/engine/index.js";
import { causalLmGraph, weightsFor, type CausalLmShape } from "../src/nn/causal-lm.js";
import { readKjvBible } from "../src/nn/data/kjv-bible.js";
import { byteLevelSplits } from "../src/nn/data/text.js";
import { trainCausalLm, validationLogits } from "../src/nn/text-trainer.js";
import { Rng } from "../src/core/rng.js";

const steps = Number(process.argv[2] ?? 1500);
const layers = Number(process.argv[3] ?? 4);
const d = Number(process.argv[4] ?? 64);
const shape: CausalLmShape = { layers, dModel: d, heads: 4, kvHeads: 4, ffnDim: 4 * d, vocab: 256, context: 64, tied: false };
const batch = 32;
const engine = await loadEngine();
const data = byteLevelSplits(readKjvBible());
const trained = await trainCausalLm(shape, data, {
  steps, batch, learningRate: (1e-2 * 32) / d, evalEvery: Math.max(1, Math.floor(steps / 5)), evalWindows: 128,
  rng: Rng.derive("llm-early-exit"), exits: true, keepWeights: true, engine,
  onEval: (step, loss) => {
    console.log(`step ${step}: validation loss (last exit) ${loss.toFixed(4)}`);
    return false;
  },
});

// Per validation token and exit: the log-probability of the target and the top probability (confidence).
const exits = Array.from({ length: layers }, (_, i) => i + 1);
const graph = causalLmGraph(shape, exits);
const model = engine.compile(graph, weightsFor(graph, trained.weights!), { optimizer: { name: "sgd", momentum: 0, nesterov: false, weightDecay: 0 }, seed: 0 });
const { logits, labels } = await validationLogits(model, shape, data, 256);
model.dispose();
const logp: number[][] = exits.map(() => []);
const confidence: number[][] = exits.map(() => []);
const v = shape.vocab;
for (const [b, rows] of logits.entries()) {
  for (let i = 0; i < labels[b].length; i++) {
    for (let e = 0; e < exits.length; e++) {
      const row = rows.subarray((i * exits.length + e) * v, (i * exits.length + e + 1) * v);
      let max = -Infinity;
      for (const x of row) if (x > max) max = x;
      let sum = 0;
      for (const x of row) sum += Math.exp(x - max);
      const logZ = max + Math.log(sum);
      logp[e].push(row[labels[b][i]] - logZ);
      confidence[e].push(Math.exp(max - logZ));
    }
  }
}
const count = logp[0].length;
const perExit = exits.map((depth, e) => ({ depth, loss: -logp[e].reduce((a, b) => a + b, 0) / count }));
const curve = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1.01].map((tau) => {
  let loss = 0;
  let depth = 0;
  for (let i = 0; i < count; i++) {
    const e = exits.findIndex((_, k) => confidence[k][i] >= tau);
    const chosen = e === -1 ? exits.length - 1 : e;
    loss -= logp[chosen][i];
    depth += exits[chosen];
  }
  return { tau, averageLayers: depth / count, loss: loss / count };
});
console.log("| exit depth | validation loss |\n|---|---|");
for (const p of perExit) console.log(`| ${p.depth} | ${p.loss.toFixed(4)} |`);
console.log("\n| tau | average layers | validation loss |\n|---|---|---|");
for (const c of curve) console.log(`| ${c.tau} | ${c.averageLayers.toFixed(3)} | ${c.loss.toFixed(4)} |`);
const out = fileURLToPath(new URL("../../docs/bench/", import.meta.url));
mkdirSync(out, { recursive: true });
writeFileSync(`${out}llm-early-exit.json`, `${JSON.stringify({ engine: engine.version, shape, steps, batch, tokens: trained.tokens, trainSeconds: trained.seconds, validationTokens: count, perExit, curve }, null, 2)}\n`);
