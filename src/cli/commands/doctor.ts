import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { defaultThreads, engineStatus, loadEngine, type EngineName } from "../../nn/engine/index.js";
import { lowerNetwork } from "../../nn/graph/lower.js";
import { initNetwork } from "../../nn/init.js";
import type { Layer } from "../../nn/layers.js";
import { NascentError } from "../../core/errors.js";
import { Rng } from "../../core/rng.js";
import { printJsonLine } from "../output.js";
import { imageShape, positiveInt } from "../arguments.js";

interface DoctorOptions {
  json?: boolean;
  network?: string;
  input: [number, number, number];
  batch: number;
}


/** One training step of a network description (JSON file) on the active engine: milliseconds, or a one-line error naming the layer. */
async function tryNetwork(path: string, input: [number, number, number], batch: number, engineName: EngineName): Promise<{ step_ms: number; classes: number }> {
  let network: Layer;
  try {
    network = JSON.parse(readFileSync(path, "utf8")) as Layer;
  } catch (error) {
    throw new NascentError(`--network ${path}: ${(error as Error).message.split("\n")[0]}`);
  }
  const graph = lowerNetwork(network, input);
  const engine = await loadEngine(engineName);
  const model = engine.compile(graph, initNetwork(network, input, Rng.derive("doctor")), { optimizer: { name: "sgd", momentum: 0.9, nesterov: true, weightDecay: 0 }, seed: 1 });
  try {
    const classes = graph.nodes[graph.output].shape.at(-1) as number;
    const x = new Float32Array(batch * input[0] * input[1] * input[2]);
    const labels = Int32Array.from({ length: batch }, (_, i) => i % classes);
    await model.trainStep(x, batch, labels, 0.01);
    const started = performance.now();
    await model.trainStep(x, batch, labels, 0.01);
    return { step_ms: +(performance.now() - started).toFixed(1), classes };
  } finally {
    model.dispose();
  }
}

export function registerDoctor(program: Command): void {
  program
    .command("doctor")
    .description("show the tensor engine in use (torch or jax), its version and threads, and how to get the fast one")
    .option("--network <file>", "also run one training step of this network description (JSON) on the active engine")
    .option("--input <HxWxC>", "input size for --network", imageShape, [32, 32, 3])
    .option("--batch <n>", "batch size for --network", positiveInt, 8)
    .option("--json", "print one JSON object")
    .action(async (options: DoctorOptions) => {
      const status = engineStatus();
      const engine = await loadEngine(status.active);
      const report = {
        engine: engine.name,
        version: engine.version,
        threads: engine.threads,
        nascent_threads: process.env.NASCENT_THREADS ?? null,
        selected_by: process.env.NASCENT_ENGINE ? "NASCENT_ENGINE" : "default (torch when its addon loads)",
        torch: status.torch,
        ...(options.network ? { network: await tryNetwork(options.network, options.input, options.batch, engine.name) } : {}),
      };
      if (options.json) return printJsonLine(report);
      console.log(`engine     ${engine.name} (${engine.version}), ${engine.threads} thread${engine.threads === 1 ? "" : "s"}${process.env.NASCENT_THREADS ? " (NASCENT_THREADS)" : ` (all cores: ${defaultThreads()})`}`);
      console.log(`selected   ${report.selected_by}`);
      if (status.torch.available) console.log(`torch      available: libtorch ${status.torch.version}`);
      else console.log(`torch      not available: ${status.torch.reason}\n           fix: ${status.torch.fix}`);
      if (report.network) console.log(`network    one training step of ${options.network} at batch ${options.batch}: ${report.network.step_ms} ms`);
    });
}
