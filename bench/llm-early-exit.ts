/**
 * Early exit on a tiny GPT (King James Bible, byte-level): a 4-layer model trained with the mean of its
 * exits' losses (every depth reads out through the shared final norm and head; Schuster et al. 2022, CALM),
 * then, per validation token, exit at the first depth whose top probability reaches a threshold tau. Sweeping
 * tau gives validation loss against the average number of layers run. Writes bench/llm/early-exit.json.
 *
 *   NASCENT_THREADS=1 node dist/bench/llm-early-exit.js [steps=200]
 */
import { type Tensor, TensorMap, adam, engine, loadEngine } from "../src/nn/engine/jax/direct.js";
import { cosineSchedule } from "../src/nn/schedule.js";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { causalLmExitLoss, causalLmReadouts, type CausalLmShape } from "../src/nn/causal-lm.js";
import { readKjvBible } from "../src/nn/data/kjv-bible.js";
import { byteLevelSplits, evenWindows, randomWindows } from "../src/nn/data/text.js";
import { initCausalLm } from "../src/nn/causal-lm.js";
import { Rng } from "../src/core/rng.js";

const steps = Number(process.argv[2] ?? 200);
const shape: CausalLmShape = { layers: 4, dModel: 48, heads: 2, kvHeads: 2, ffnDim: 192, vocab: 256, context: 64, tied: false };
const batch = 32;
await loadEngine();
const { numpy: np, jit, valueAndGrad, tree } = engine();
const data = byteLevelSplits(readKjvBible());
const rng = Rng.derive("llm-early-exit");
const optimizer = adam({ weightDecay: 0.1, beta2: 0.95 });
const step = jit((params: TensorMap, opt: TensorMap, tokens: Tensor, lr: Tensor): [Tensor, TensorMap, TensorMap] => {
  const [value, grads] = valueAndGrad((p: TensorMap) => causalLmExitLoss(shape, p, tokens))(tree.ref(params)) as unknown as [Tensor, TensorMap];
  const updated = optimizer.update(grads, opt, params, lr);
  return [value, updated.params, updated.state];
});
const schedule = cosineSchedule((1e-2 * 32) / shape.dModel, steps, Math.max(1, Math.floor(steps / 20)), 0.1);
let params = initCausalLm(shape, rng.fork("init"));
let opt = optimizer.init(params);
const started = performance.now();
for (let s = 0; s < steps; s++) {
  const tokens = np.array(randomWindows(data.train, batch, shape.context + 1, rng.fork(`batch ${s}`)), { dtype: np.int32 }).reshape([batch, shape.context + 1]);
  const [loss, p, o] = step(params, opt, tokens, np.array(schedule(s))) as [Tensor, TensorMap, TensorMap];
  params = p;
  opt = o;
  const value = ((await loss.data()) as Float32Array)[0];
  if (s % 25 === 0) console.log(`step ${s} mean exit loss ${value.toFixed(3)}`);
}
const trainSeconds = (performance.now() - started) / 1000;

// Per validation token and exit: the log-probability of the target and the top probability (confidence).
const windows = 64;
const all = evenWindows(data.validation, windows, shape.context + 1);
const exits = [1, 2, 3, 4];
const logp: number[][] = exits.map(() => []);
const confidence: number[][] = exits.map(() => []);
for (let from = 0; from < windows; from += 16) {
  const tokens = np.array(all.subarray(from * (shape.context + 1), (from + 16) * (shape.context + 1)), { dtype: np.int32 }).reshape([16, shape.context + 1]);
  const { logProbabilities, targets } = causalLmReadouts(shape, tree.ref(params), tokens, exits);
  const target = (await np.argmax(targets, -1).data()) as Int32Array;
  for (const [e, lp] of logProbabilities.entries()) {
    const values = (await lp.data()) as Float32Array;
    for (let i = 0; i < target.length; i++) {
      const row = values.subarray(i * shape.vocab, (i + 1) * shape.vocab);
      logp[e].push(row[target[i]]);
      confidence[e].push(Math.exp(Math.max(...row)));
    }
  }
}
const count = logp[0].length;
const perExit = exits.map((depth, e) => ({ depth, loss: -logp[e].reduce((a, b) => a + b, 0) / count }));
const curve = [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1.01].map((tau) => {
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
writeFileSync(fileURLToPath(new URL("../../bench/llm/early-exit.json", import.meta.url)), `${JSON.stringify({ shape, steps, batch, trainSeconds, tokens: count, perExit, curve }, null, 2)}\n`);
