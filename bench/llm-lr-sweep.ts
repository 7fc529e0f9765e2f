/**
 * The tiny-LM grid's training recipe, chosen by measurement: validation loss of one size after a fixed token
 * count for each (peak learning rate, batch, warm-up) on the engine, one thread, each run with its own cosine
 * schedule (Hoffmann et al. 2022). Appends to docs/bench/llm-lr-sweep.jsonl, one line per run, so it resumes.
 *
 *   NASCENT_THREADS=1 node dist/bench/llm-lr-sweep.js --size L1-d32 --tokens 2e6 \
 *     [--lr 3e-3,1e-2,3e-2] [--batch 16,32,64] [--warmup 0.05]
 */
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { resolveArchitecture } from "../src/space/builtin/llm-architecture.js";
import { trainingFlops } from "../src/cost/llm/flops.js";
import { causalLmShapeOf } from "../src/evaluate/train-text.js";
import { readKjvBible } from "../src/nn/data/kjv-bible.js";
import { byteLevelSplits } from "../src/nn/data/text.js";
import { trainCausalLm } from "../src/nn/text-trainer.js";
import { Rng } from "../src/core/rng.js";
import { sizeConfig } from "./llm-tiny-sizes.js";

const FILE = fileURLToPath(new URL("../../docs/bench/llm-lr-sweep.jsonl", import.meta.url));
const args = process.argv.slice(2);
const flag = (name: string, fallback: string): string => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const list = (name: string, fallback: string): number[] => flag(name, fallback).split(",").map(Number);

const size = flag("--size", "L1-d32");
const tokens = Number(flag("--tokens", "2e6"));
const config = sizeConfig(size);
const arch = resolveArchitecture(config);
const shape = causalLmShapeOf(arch);
const data = byteLevelSplits(readKjvBible());
const done = new Set(existsSync(FILE) ? readFileSync(FILE, "utf8").trim().split("\n").filter(Boolean).map((l) => (JSON.parse(l) as { id: string }).id) : []);

for (const warmup of list("--warmup", "0.05"))
  for (const batch of list("--batch", "16,32,64"))
    for (const learningRate of list("--lr", "3e-3,1e-2,3e-2")) {
      const id = `${size}:${tokens}:lr=${learningRate}:batch=${batch}:warmup=${warmup}`;
      if (done.has(id)) continue;
      const steps = Math.round(tokens / (batch * shape.context));
      const cpu = process.cpuUsage();
      const run = await trainCausalLm(shape, data, { steps, batch, learningRate, warmupFraction: warmup, evalEvery: Math.max(1, Math.round(steps / 8)), evalWindows: 512, rng: Rng.derive("llm-lr-sweep", size) });
      const used = process.cpuUsage(cpu);
      const row = { id, size, tokens: run.tokens, learningRate, batch, warmup, steps, loss: run.validationLoss, flops: trainingFlops(arch, run.tokens), cpuSeconds: (used.user + used.system) / 1e6, curve: run.curve };
      appendFileSync(FILE, `${JSON.stringify(row)}\n`);
      console.log(`${id} loss ${run.validationLoss.toFixed(4)} (${row.cpuSeconds.toFixed(0)} CPU-s) curve ${run.curve.map((c) => c.validationLoss.toFixed(2)).join(" ")}`);
    }
