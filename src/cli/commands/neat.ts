import type { Command } from "commander";
import { evolveNeat } from "../../neat/neat.js";
import { NEAT_TASKS, neatTask } from "../../neat/tasks/index.js";
import { integer, positiveInt } from "../arguments.js";
import { printJsonLine } from "../output.js";

interface NeatCommandOptions {
  task: string;
  seed: number;
  runs: number;
  maxEvaluations: number;
  json?: boolean;
}

export function registerNeat(program: Command): void {
  program
    .command("neat")
    .description("evolve network topologies and weights with NEAT (Stanley & Miikkulainen 2002) on a built-in task")
    .option("--task <name>", Object.keys(NEAT_TASKS).join(", "), "xor")
    .option("--seed <n>", "seed of the first run", integer, 0)
    .option("--runs <n>", "independent runs (seeds seed..seed+runs-1)", positiveInt, 1)
    .option("--max-evaluations <n>", "give up a run after this many networks", positiveInt, 100_000)
    .option("--json", "print one JSON line per run")
    .action((options: NeatCommandOptions) => {
      const task = neatTask(options.task);
      for (let seed = options.seed; seed < options.seed + options.runs; seed++) {
        const r = evolveNeat(task, { maxEvaluations: options.maxEvaluations }, seed);
        const hidden = r.champion.nodes.filter((n) => n.kind === "hidden").length;
        const connections = r.champion.connections.filter((c) => c.enabled).length;
        if (options.json) printJsonLine({ task: task.name, seed, solved: r.solved, evaluations: r.evaluations, generations: r.generations, hidden, connections });
        else console.log(`${task.name} seed ${seed}: ${r.solved ? "solved" : "not solved"} after ${r.evaluations} evaluations (${r.generations} generations); champion ${hidden} hidden nodes, ${connections} connections`);
      }
    });
}
