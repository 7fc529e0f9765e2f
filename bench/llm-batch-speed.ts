/**
 * Training tokens per CPU-second of the tiny GPTs against the batch size (torch engine, one thread, AdamW step,
 * 64-byte sequences): whether larger batches make these small models cheaper per token.
 *
 *   NASCENT_THREADS=1 node dist/bench/llm-batch-speed.js
 */
import { loadEngine } from "../src/nn/engine/index.js";
import type { CausalLmShape } from "../src/nn/causal-lm.js";
import { readKjvBible } from "../src/nn/data/kjv-bible.js";
import { byteLevelSplits } from "../src/nn/data/text.js";
import { trainCausalLm } from "../src/nn/text-trainer.js";
import { Rng } from "../src/core/rng.js";

const data = byteLevelSplits(readKjvBible());
const engine = await loadEngine();
for (const [dModel, layers] of [[32, 1], [64, 2], [96, 4]]) {
  for (const batch of [32, 128, 512]) {
    const shape: CausalLmShape = { layers, dModel, heads: dModel / 16, kvHeads: dModel / 16, ffnDim: 4 * dModel, vocab: 256, context: 64, tied: false };
    const steps = Math.max(3, Math.round((40 * 32) / batch));
    const options = { batch, learningRate: 1e-3, evalEvery: 1e9, evalWindows: 1, rng: Rng.derive("batch-speed"), engine };
    await trainCausalLm(shape, data, { ...options, steps: 1 });
    const cpu = process.cpuUsage();
    const started = performance.now();
    const run = await trainCausalLm(shape, data, { ...options, steps });
    const used = process.cpuUsage(cpu);
    const tokensPerCpuSecond = run.tokens / ((used.user + used.system) / 1e6);
    console.log(`L${layers}-d${dModel} batch ${batch}: ${tokensPerCpuSecond.toFixed(0)} tokens/CPU-s, ${(run.tokens / ((performance.now() - started) / 1000)).toFixed(0)} tokens/s`);
  }
}
