/**
 * Real small-scale evidence for the loss law: a grid of tiny byte-level GPTs trained on the King James Bible
 * (Debian's bible-kjv-text) through the `train:text` evaluator. Three IsoFLOP budgets (C, 2C, 4C) x four sizes;
 * each run gets D = budget / (training FLOPs per token) tokens with its own cosine schedule. Runs go two at a
 * time in child processes (one jax-js thread each) and are appended to bench/llm/tiny-grid.jsonl as they
 * finish, so an interrupted grid resumes. Per-run wall time and FLOPs are recorded.
 *
 *   node dist/bench/llm-tiny-grid.js [--budget 6e10] [--concurrency 2]
 */
import { fork } from "node:child_process";
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { resolveArchitecture, type LlmConfig } from "../src/space/builtin/llm-architecture.js";
import { trainingFlops } from "../src/cost/llm/flops.js";
import { TrainTextEvaluator } from "../src/evaluate/train-text.js";
import { Rng } from "../src/core/rng.js";

export const GRID_FILE = fileURLToPath(new URL("../../bench/llm/tiny-grid.jsonl", import.meta.url));
const BATCH = 32;
const CONTEXT = 64;

export const SIZES = [
  { name: "L1-d32", layers: 1, dModel: 32, heads: 2 },
  { name: "L2-d48", layers: 2, dModel: 48, heads: 2 },
  { name: "L2-d64", layers: 2, dModel: 64, heads: 4 },
  { name: "L3-d80", layers: 3, dModel: 80, heads: 4 },
];

export interface GridRun {
  id: string;
  budget: number;
  size: string;
  config: LlmConfig;
}

export function gridRuns(budget: number): GridRun[] {
  const runs: GridRun[] = [];
  for (const multiple of [1, 2, 4]) {
    for (const size of SIZES) {
      const base: LlmConfig = { layers: size.layers, dModel: size.dModel, heads: size.heads, kvHeads: size.heads, ffn: "gelu", ffnMult: 4, vocab: 256, context: CONTEXT, tiedEmbeddings: false, norm: "layernorm", bias: "all", positions: "learned" };
      const perToken = trainingFlops(resolveArchitecture(base), 1);
      const steps = Math.max(8, Math.round((budget * multiple) / perToken / (BATCH * CONTEXT)));
      runs.push({ id: `${size.name}@${(budget * multiple).toExponential(1)}`, budget: budget * multiple, size: size.name, config: { ...base, tokens: steps * BATCH * CONTEXT } });
    }
  }
  return runs;
}

async function runOne(run: GridRun): Promise<void> {
  // Learning rate 1e-2 at width 32, scaled as 1/width (muP's rule for Adam's hidden layers, Yang et al. 2021).
  const evaluator = new TrainTextEvaluator({ batch: BATCH, learningRate: (1e-2 * 32) / run.config.dModel, evalTokens: 65_536, evalWindows: 128 });
  const curve: { step: number; loss: number }[] = [];
  const controller = new AbortController();
  const metrics = await evaluator.evaluate(run.config, {
    trialNumber: 0,
    rng: Rng.derive("llm-tiny-grid", run.id),
    report: async (step, loss) => void curve.push({ step, loss }),
    shouldPrune: () => false,
    signal: controller.signal,
  });
  appendFileSync(GRID_FILE, `${JSON.stringify({ id: run.id, size: run.size, budget: run.budget, config: run.config, ...metrics, curve, evalTokens: 65_536 })}\n`);
}

function done(): Set<string> {
  if (!existsSync(GRID_FILE)) return new Set();
  return new Set(readFileSync(GRID_FILE, "utf8").trim().split("\n").filter(Boolean).map((line) => (JSON.parse(line) as { id: string }).id));
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const flag = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
  const runs = gridRuns(flag("--budget", 6e10));
  if (args[0] === "--run") return runOne(runs.find((r) => r.id === args[1]) as GridRun);
  const finished = done();
  // Longest first, so the two workers finish together.
  const todo = runs.filter((r) => !finished.has(r.id)).sort((a, b) => b.budget - a.budget || b.config.dModel - a.config.dModel);
  console.log(`${todo.length} of ${runs.length} runs to do`);
  const concurrency = flag("--concurrency", 2);
  const worker = async () => {
    for (let run = todo.shift(); run; run = todo.shift()) {
      const started = Date.now();
      await new Promise<void>((resolve, reject) => {
        const child = fork(fileURLToPath(import.meta.url), ["--run", run.id, "--budget", String(flag("--budget", 6e10))], { env: { ...process.env, NASCENT_THREADS: "1" } });
        child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${run.id} exited with ${code}`))));
      });
      console.log(`${run.id} done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

await main();
