/**
 * Real small-scale evidence for the loss law: a grid of tiny byte-level GPTs trained on the King James Bible
 * (Debian's bible-kjv-text) through the `train:text` evaluator on the engine (torch by default). IsoFLOP
 * budgets C and 2C (where the law is fitted) and 4C (held out), four sizes each; each run gets
 * D = budget / (training FLOPs per token) tokens with its own cosine schedule ending at its last step
 * (Hoffmann et al. 2022). Runs go `--concurrency` at a time in child processes (one thread each) and are
 * appended to docs/bench/llm-tiny-grid.jsonl as they finish, so an interrupted grid resumes.
 *
 *   node dist/bench/llm-tiny-grid.js [--budget 5e11] [--concurrency 4] [--skip ID,ID]
 */
import { fork } from "node:child_process";
import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { resolveArchitecture, type LlmConfig } from "../src/space/builtin/llm-architecture.js";
import { trainingFlops } from "../src/cost/llm/flops.js";
import { TrainTextEvaluator } from "../src/evaluate/train-text.js";
import { Rng } from "../src/core/rng.js";

export const GRID_FILE = fileURLToPath(new URL("../../docs/bench/llm-tiny-grid.jsonl", import.meta.url));
const BATCH = 32;
const CONTEXT = 64;
const EVAL_TOKENS = 262_144;

/** Head dimension 16 throughout; non-embedding parameters from 13K to 440K. */
export const SIZES = [
  { name: "L1-d32", layers: 1, dModel: 32, heads: 2 },
  { name: "L2-d48", layers: 2, dModel: 48, heads: 3 },
  { name: "L2-d64", layers: 2, dModel: 64, heads: 4 },
  { name: "L3-d80", layers: 3, dModel: 80, heads: 5 },
  { name: "L4-d96", layers: 4, dModel: 96, heads: 6 },
];

/** Budget multiple -> the sizes trained at it (bracketing the compute-optimal size, N_opt ~ C^0.5). */
const PLAN: [number, string[]][] = [
  [1, ["L1-d32", "L2-d48", "L2-d64", "L3-d80"]],
  [2, ["L1-d32", "L2-d48", "L2-d64", "L3-d80"]],
  [4, ["L2-d48", "L2-d64", "L3-d80", "L4-d96"]],
];

export interface GridRun {
  id: string;
  budget: number;
  size: string;
  config: LlmConfig;
}

export function gridRuns(budget: number): GridRun[] {
  const runs: GridRun[] = [];
  for (const [multiple, names] of PLAN) {
    for (const size of SIZES.filter((s) => names.includes(s.name))) {
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
  const evaluator = new TrainTextEvaluator({ batch: BATCH, learningRate: (1e-2 * 32) / run.config.dModel, evalTokens: EVAL_TOKENS, evalWindows: 512 });
  const curve: { step: number; loss: number }[] = [];
  const metrics = await evaluator.evaluate(run.config, {
    trialNumber: 0,
    rng: Rng.derive("llm-tiny-grid", run.id),
    report: async (step, loss) => {
      curve.push({ step, loss });
      console.log(`${new Date().toISOString()} ${run.id} tokens ${step * EVAL_TOKENS} validation loss ${loss.toFixed(4)}`);
    },
    shouldPrune: () => false,
    signal: new AbortController().signal,
  });
  appendFileSync(GRID_FILE, `${JSON.stringify({ id: run.id, size: run.size, budget: run.budget, config: run.config, ...metrics, curve, evalTokens: EVAL_TOKENS })}\n`);
}

function done(): Set<string> {
  if (!existsSync(GRID_FILE)) return new Set();
  return new Set(readFileSync(GRID_FILE, "utf8").trim().split("\n").filter(Boolean).map((line) => (JSON.parse(line) as { id: string }).id));
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const flag = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
  const runs = gridRuns(flag("--budget", 5e11));
  if (args[0] === "--run") return runOne(runs.find((r) => r.id === args[1]) as GridRun);
  mkdirSync(fileURLToPath(new URL(".", `file://${GRID_FILE}`)), { recursive: true });
  // --skip ID,ID: runs another process is still training (they append when they finish).
  const finished = new Set([...done(), ...(args.includes("--skip") ? args[args.indexOf("--skip") + 1].split(",") : [])]);
  // Longest first, so the workers finish together.
  const todo = runs.filter((r) => !finished.has(r.id)).sort((a, b) => b.budget - a.budget || b.config.dModel - a.config.dModel);
  console.log(`${todo.length} of ${runs.length} runs to do`);
  const worker = async () => {
    for (let run = todo.shift(); run; run = todo.shift()) {
      const started = Date.now();
      await new Promise<void>((resolve, reject) => {
        const child = fork(fileURLToPath(import.meta.url), ["--run", run.id, "--budget", String(flag("--budget", 5e11))], { env: { ...process.env, NASCENT_THREADS: "1" } });
        child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${run.id} exited with ${code}`))));
      });
      console.log(`${new Date().toISOString()} ${run.id} done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    }
  };
  await Promise.all(Array.from({ length: flag("--concurrency", 4) }, worker));
}

await main();
