/**
 * Real small-scale evidence for the loss law: a grid of tiny byte-level GPTs trained on the King James Bible
 * (Debian's bible-kjv-text) through the `train:text` evaluator on the engine (torch by default). IsoFLOP
 * budgets C, 2C and 4C (where the law is fitted) and 8C (held out), four and three sizes; each run gets
 * D = budget / (training FLOPs per token) tokens and its own warm-up and cosine schedule ending at its last step
 * (Hoffmann et al. 2022: intermediate checkpoints of a longer run are not valid points). Every run sees at least
 * 1.1M tokens, past the early phase where the loss is still far from any power law. Recipe from
 * bench/llm-lr-sweep.ts (docs/llm.md): batch 32 x 64 bytes, peak learning rate RECIPE.learningRate(width).
 * Runs go `--concurrency` at a time in child processes (one thread each) and are appended to
 * docs/bench/llm-tiny-grid.jsonl as they finish, so an interrupted grid resumes. `--seed S` draws the
 * initialisation, the engine's seed and the data order from seed S (seed 0 is the stream of the first runs,
 * which carried no seed); `--only 5e11,1e12` restricts to those budgets (FLOPs);
 * `--out PATH` appends to another file (a reproduction check).
 *
 *   node dist/bench/llm-tiny-grid.js [--budget 5e11] [--seed 0] [--only FLOPS,FLOPS] [--out PATH] [--concurrency 1] [--skip ID,ID]
 */
import { fork } from "node:child_process";
import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { resolveArchitecture, type LlmConfig } from "../src/space/builtin/llm-architecture.js";
import { trainingFlops } from "../src/cost/llm/flops.js";
import { TrainTextEvaluator } from "../src/evaluate/train-text.js";
import { Rng } from "../src/core/rng.js";
import { CONTEXT, RECIPE, sizeConfig } from "./llm-tiny-sizes.js";

const GRID_FILE = fileURLToPath(new URL("../../docs/bench/llm-tiny-grid.jsonl", import.meta.url));
const EVAL_TOKENS = 262_144;
const DEFAULT_BUDGET = 5e11;

/** Budget multiple -> the sizes trained at it (bracketing the compute-optimal size, at least 1.1M tokens each). */
const PLAN: [number, string[]][] = [
  [1, ["L1-d32", "L2-d32", "L1-d48", "L2-d48"]],
  [2, ["L1-d32", "L2-d32", "L2-d48", "L2-d64"]],
  [4, ["L2-d32", "L2-d48", "L2-d64", "L3-d80"]],
  [8, ["L2-d48", "L2-d64", "L3-d80"]],
];

export interface GridRun {
  id: string;
  budget: number;
  size: string;
  config: LlmConfig;
}

/** A run's random stream at a seed; seed 0 keeps the labels of the runs recorded before seeds existed. */
export function gridRng(id: string, seed: number): Rng {
  return seed === 0 ? Rng.derive("llm-tiny-grid", id) : Rng.derive("llm-tiny-grid", id, "seed", seed);
}

/** The seed of a grid record (records written before seeds existed are seed 0). */
export function recordSeed(record: { seed?: number }): number {
  return record.seed ?? 0;
}

export function gridRuns(budget: number): GridRun[] {
  const runs: GridRun[] = [];
  for (const [multiple, names] of PLAN) {
    for (const name of names) {
      const base = sizeConfig(name);
      const perToken = trainingFlops(resolveArchitecture(base), 1);
      const steps = Math.max(8, Math.round((budget * multiple) / perToken / (RECIPE.batch * CONTEXT)));
      runs.push({ id: `${name}@${(budget * multiple).toExponential(1)}`, budget: budget * multiple, size: name, config: { ...base, tokens: steps * RECIPE.batch * CONTEXT } });
    }
  }
  return runs;
}

async function runOne(run: GridRun, seed: number, out: string): Promise<void> {
  const evaluator = new TrainTextEvaluator({ batch: RECIPE.batch, learningRate: RECIPE.learningRate(run.config.dModel), evalTokens: EVAL_TOKENS, evalWindows: 512 });
  const curve: { step: number; loss: number }[] = [];
  const metrics = await evaluator.evaluate(run.config, {
    trialNumber: 0,
    rng: gridRng(run.id, seed),
    report: async (step, loss) => {
      curve.push({ step, loss });
      console.log(`${new Date().toISOString()} ${run.id} seed ${seed} tokens ${step * EVAL_TOKENS} validation loss ${loss.toFixed(4)}`);
    },
    shouldPrune: () => false,
    signal: new AbortController().signal,
  });
  appendFileSync(out, `${JSON.stringify({ id: run.id, seed, size: run.size, budget: run.budget, config: run.config, batch: RECIPE.batch, learningRate: RECIPE.learningRate(run.config.dModel), ...metrics, curve, evalTokens: EVAL_TOKENS })}\n`);
}

/** The runs already recorded at a seed. */
function done(out: string, seed: number): Set<string> {
  if (!existsSync(out)) return new Set();
  const records = readFileSync(out, "utf8").trim().split("\n").filter(Boolean).map((line) => JSON.parse(line) as { id: string; seed?: number });
  return new Set(records.filter((r) => recordSeed(r) === seed).map((r) => r.id));
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const flag = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
  const seed = flag("--seed", 0);
  if (!Number.isInteger(seed) || seed < 0) throw new Error(`--seed must be a non-negative integer, got ${seed}`);
  const only = args.includes("--only") ? args[args.indexOf("--only") + 1].split(",").map(Number) : undefined;
  const runs = gridRuns(flag("--budget", DEFAULT_BUDGET)).filter((r) => !only || only.includes(r.budget));
  const out = args.includes("--out") ? resolve(args[args.indexOf("--out") + 1]) : GRID_FILE;
  if (args[0] === "--run") return runOne(runs.find((r) => r.id === args[1]) as GridRun, seed, out);
  mkdirSync(dirname(out), { recursive: true });
  // --skip ID,ID: runs another process is still training (they append when they finish).
  const finished = new Set([...done(out, seed), ...(args.includes("--skip") ? args[args.indexOf("--skip") + 1].split(",") : [])]);
  // Longest first, so the workers finish together.
  const todo = runs.filter((r) => !finished.has(r.id)).sort((a, b) => b.budget - a.budget || b.config.dModel - a.config.dModel);
  console.log(`${todo.length} of ${runs.length} runs to do at seed ${seed}`);
  const worker = async () => {
    for (let run = todo.shift(); run; run = todo.shift()) {
      const started = Date.now();
      await new Promise<void>((resolve, reject) => {
        const child = fork(fileURLToPath(import.meta.url), ["--run", run.id, "--budget", String(flag("--budget", DEFAULT_BUDGET)), "--seed", String(seed), "--out", out], { env: { ...process.env, NASCENT_THREADS: "1" } });
        child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${run.id} exited with ${code}`))));
      });
      console.log(`${new Date().toISOString()} ${run.id} seed ${seed} done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    }
  };
  await Promise.all(Array.from({ length: flag("--concurrency", 1) }, worker));
}

await main();
