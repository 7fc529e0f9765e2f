/**
 * Training throughput of the tiny causal LM on each engine that loads (the same graph, AdamW step,
 * batch 32 x 64 bytes): tokens per second of wall time and per CPU-second of this process (the machine
 * may be shared). Writes docs/bench/llm-engine-speed.json.
 *
 *   NASCENT_THREADS=1 node dist/bench/llm-engine-speed.js [steps=40]
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { availableEngines, loadEngine } from "../src/nn/engine/index.js";
import type { CausalLmShape } from "../src/nn/causal-lm.js";
import { readKjvBible } from "../src/nn/data/kjv-bible.js";
import { byteLevelSplits } from "../src/nn/data/text.js";
import { trainCausalLm } from "../src/nn/text-trainer.js";
import { Rng } from "../src/core/rng.js";

const steps = Number(process.argv[2] ?? 40);
const shapes: Record<string, CausalLmShape> = {
  "L2-d64": { layers: 2, dModel: 64, heads: 4, kvHeads: 4, ffnDim: 256, vocab: 256, context: 64, tied: false },
  "L4-d128": { layers: 4, dModel: 128, heads: 4, kvHeads: 4, ffnDim: 512, vocab: 256, context: 64, tied: false },
};
const data = byteLevelSplits(readKjvBible());
const rows = [];
for (const [name, shape] of Object.entries(shapes)) {
  for (const engineName of availableEngines()) {
    const engine = await loadEngine(engineName);
    // One warm-up step (jit tracing on jax), then the timed steps.
    await trainCausalLm(shape, data, { steps: 1, batch: 32, learningRate: 1e-3, evalEvery: 1e9, evalWindows: 1, rng: Rng.derive("speed"), engine });
    const cpu = process.cpuUsage();
    const started = performance.now();
    const run = await trainCausalLm(shape, data, { steps, batch: 32, learningRate: 1e-3, evalEvery: 1e9, evalWindows: 1, rng: Rng.derive("speed"), engine });
    const wall = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    const cpuSeconds = (used.user + used.system) / 1e6;
    rows.push({ shape: name, engine: engine.version, threads: engine.threads, steps, tokens: run.tokens, wallSeconds: wall, cpuSeconds, tokensPerSecond: run.tokens / wall, tokensPerCpuSecond: run.tokens / cpuSeconds });
    console.log(JSON.stringify(rows.at(-1)));
  }
}
const out = fileURLToPath(new URL("../../docs/bench/", import.meta.url));
mkdirSync(out, { recursive: true });
writeFileSync(`${out}llm-engine-speed.json`, `${JSON.stringify({ rows }, null, 2)}\n`);
