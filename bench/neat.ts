/**
 * NEAT on its shipped tasks against neataptic 1.4 (npm) in the same run: runs solved, and the mean and
 * median number of networks evaluated until the first solution. Prints a table and writes JSON.
 *
 *   node dist/bench/neat.js [--runs 20] [--tasks xor,double-pole] [--out docs/bench/neat.json]
 *
 * neataptic is not NEAT proper (no speciation or innovation numbers; its own mutation set). It runs with
 * population 150, elitism 10%, its feed-forward mutation set, on the same fitness functions; its
 * Math.random is replaced by a seeded stream for the run so the figures replay.
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import neataptic, { type NeatapticNetwork } from "neataptic";
import { evolveNeat } from "../src/neat/neat.js";
import { neatTask } from "../src/neat/tasks/index.js";
import type { NeatTask } from "../src/neat/task.js";
import { NEAT_PAPER_OPTIONS } from "../src/neat/options.js";
import { Rng } from "../src/core/rng.js";

const { values } = parseArgs({ options: { runs: { type: "string", default: "20" }, tasks: { type: "string", default: "xor,double-pole" }, out: { type: "string", default: "docs/bench/neat.json" }, budget: { type: "string", default: "50000" } } });
const runs = Number(values.runs);
const budget = Number(values.budget);
const PAPER: Record<string, number> = { xor: 4755, "double-pole": 3600 };

interface Row { system: string; task: string; solved: number; runs: number; meanEvaluations: number; medianEvaluations: number; meanHidden: number | null; secondsPerRun: number }

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Adapts a neataptic network to the NeatNetwork interface the tasks call (reset, activate). */
function adapt(network: NeatapticNetwork) {
  return { reset: () => network.clear(), activate: (inputs: ArrayLike<number>) => network.noTraceActivate(Array.from(inputs)) };
}

async function runNeataptic(task: NeatTask, seed: number): Promise<{ solved: boolean; evaluations: number }> {
  const rng = Rng.derive("neataptic", task.name, seed);
  const original = Math.random;
  Math.random = () => rng.float();
  try {
    let evaluations = 0;
    let solvedAt = 0;
    const fitness = (network: NeatapticNetwork) => {
      evaluations++;
      const result = task.evaluate(adapt(network) as never);
      if (result.solved && !solvedAt) solvedAt = evaluations;
      return result.fitness;
    };
    const neat = new neataptic.Neat(task.inputs, task.outputs, fitness, { popsize: 150, elitism: 15, mutationRate: 0.3, mutation: neataptic.methods.mutation.FFW });
    while (!solvedAt && evaluations < budget) await neat.evolve();
    return { solved: solvedAt > 0, evaluations: solvedAt || evaluations };
  } finally {
    Math.random = original;
  }
}

const rows: Row[] = [];
for (const name of values.tasks!.split(",")) {
  for (const system of ["nascent", "neataptic"] as const) {
    const evaluations: number[] = [];
    const hidden: number[] = [];
    let solved = 0;
    const started = performance.now();
    for (let seed = 0; seed < runs; seed++) {
      if (system === "nascent") {
        const result = evolveNeat(neatTask(name), { maxEvaluations: budget }, seed);
        evaluations.push(result.evaluations);
        if (result.solved) solved++;
        hidden.push(result.champion.nodes.filter((n) => n.kind === "hidden").length);
      } else {
        const result = await runNeataptic(neatTask(name), seed);
        evaluations.push(result.evaluations);
        if (result.solved) solved++;
      }
    }
    rows.push({ system, task: name, solved, runs, meanEvaluations: mean(evaluations), medianEvaluations: median(evaluations), meanHidden: hidden.length ? mean(hidden) : null, secondsPerRun: (performance.now() - started) / 1000 / runs });
    process.stderr.write(`${system} ${name}: ${solved}/${runs} solved, mean ${mean(evaluations).toFixed(0)} evaluations\n`);
  }
}

console.log(`NEAT, ${runs} runs per task, budget ${budget} evaluations (unsolved runs count the whole budget); paper: XOR 4,755, double pole 3,600`);
console.log(["system".padEnd(10), "task".padEnd(14), "solved".padStart(7), "mean evals".padStart(11), "median".padStart(8), "paper".padStart(7), "hidden".padStart(7), "s/run".padStart(7)].join(" "));
for (const r of rows) {
  console.log([r.system.padEnd(10), r.task.padEnd(14), `${r.solved}/${r.runs}`.padStart(7), r.meanEvaluations.toFixed(0).padStart(11), String(r.medianEvaluations).padStart(8), String(PAPER[r.task] ?? "-").padStart(7), (r.meanHidden?.toFixed(1) ?? "-").padStart(7), r.secondsPerRun.toFixed(2).padStart(7)].join(" "));
}
writeFileSync(values.out!, JSON.stringify({ runs, budget, options: NEAT_PAPER_OPTIONS, rows }, null, 2) + "\n");
