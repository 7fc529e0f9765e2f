import type { Command } from "commander";
import { dirname, join } from "node:path";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { integer, positiveInt, positiveNumber } from "../arguments.js";
import { printJsonLine } from "../output.js";
import { TrainingProgress } from "../progress.js";
import { loadFashionMnist } from "../../nn/data/fashion-mnist.js";
import { loadEngine } from "../../nn/engine/index.js";
import { openOneshotStudy, recordEpochs } from "../../oneshot/record.js";
import { ONESHOT_METHODS, oneshotSearch, type OneshotMethod } from "../../oneshot/search.js";
import { ONESHOT_SPACES, type OneshotSpace } from "../../oneshot/layout.js";
import { LATENCY_LOSS_DEFAULTS, type LatencyObjective } from "../../oneshot/hardware-loss.js";
import { measureNb201LatencyTable, type Nb201LatencyTable } from "../../oneshot/latency-table.js";
import type { Engine } from "../../nn/engine/engine.js";
import { DEFAULT_STORAGE, openStorage } from "../../storage/open.js";
import { NascentError } from "../../core/errors.js";

interface OneshotOptions {
  method: string;
  space: string;
  dataset: string;
  trainLimit?: number;
  epochs: number;
  channels: number;
  cells?: number;
  batchSize: number;
  candidates: number;
  evalImages: number;
  seed: number;
  storage: string;
  study?: string;
  checkpointDir?: string;
  resume?: boolean;
  json?: boolean;
  latencyDevice: string;
  latencyTarget?: number;
  latencyTable?: string;
  warmupEpochs?: number;
  partialChannels?: number;
}

/** The latency table: read from --latency-table, else measured on the engine here and saved there (or in the checkpoint directory). */
async function latencyTable(options: OneshotOptions, engine: Engine, shape: { channels: number; cellsPerStage: number; input: [number, number, number]; classes: number }, checkpointDir: string): Promise<Nb201LatencyTable> {
  const path = options.latencyTable ?? join(checkpointDir, "latency-table.json");
  if (existsSync(path)) {
    const table = JSON.parse(readFileSync(path, "utf8")) as Nb201LatencyTable;
    if (table.channels !== shape.channels || table.cellsPerStage !== shape.cellsPerStage) throw new NascentError(`--latency-table: ${path} is for C=${table.channels}, N=${table.cellsPerStage}, not C=${shape.channels}, N=${shape.cellsPerStage}`);
    return table;
  }
  if (!options.json) process.stderr.write(`measuring the per-op latency table on the ${engine.name} engine (batch 1, process CPU time)...\n`);
  const table = await measureNb201LatencyTable(engine, shape);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(table, null, 1)}\n`);
  return table;
}

export function registerOneshot(program: Command): void {
  program
    .command("oneshot")
    .description("weight-sharing NAS: train a supernet (DARTS, PC-DARTS, GDAS, ProxylessNAS, FBNet, ENAS, SPOS, RSPS) and derive a genotype")
    .requiredOption("--method <name>", `one of ${ONESHOT_METHODS.join(", ")}`)
    .option("--space <name>", `search space (${ONESHOT_SPACES.join(", ")})`, "nb201")
    .option("--dataset <name>", "dataset (fashion-mnist)", "fashion-mnist")
    .option("--train-limit <n>", "use only the first n training images", positiveInt)
    .option("--epochs <n>", "supernet training epochs", positiveInt, 50)
    .option("--channels <n>", "width C of the first stage", positiveInt, 16)
    .option("--cells <n>", "nb201: cells per stage N (default 5); nb301: the number of cells (default 8)", positiveInt)
    .option("--batch-size <n>", "batch size of both steps", positiveInt, 64)
    .option("--candidates <n>", "SPOS/RSPS: cells ranked by the supernet", positiveInt, 100)
    .option("--eval-images <n>", "held-out images for the supernet accuracy", positiveInt, 1000)
    .option("--seed <n>", "seed", integer, 0)
    .option("--storage <url>", "where the study is written", DEFAULT_STORAGE)
    .option("--study <name>", "study name (default oneshot-METHOD-seedS)")
    .option("--checkpoint-dir <dir>", "where each epoch's state is saved (default .nascent/oneshot/STUDY)")
    .option("--latency-device <name>", "where per-op latencies are measured: engine (this process's engine, batch 1)", "engine")
    .option("--latency-target <ms>", "ProxylessNAS/FBNet: the latency target T in ms (adds the latency loss; the genotype is derived under T)", positiveNumber)
    .option("--latency-table <file>", "per-op latency table JSON (measured and saved there when missing)")
    .option("--warmup-epochs <n>", "epochs of weight training before architecture updates (PC-DARTS default: 30%)", integer)
    .option("--partial-channels <k>", "PC-DARTS: 1/K of the channels go through the ops", positiveInt)
    .option("--resume", "continue from the last saved epoch")
    .option("--json", "print only the final JSON line")
    .action(async (options: OneshotOptions) => {
      if (!(ONESHOT_METHODS as readonly string[]).includes(options.method)) throw new NascentError(`--method: unknown one-shot method '${options.method}' (expected one of ${ONESHOT_METHODS.join(", ")})`);
      if (!(ONESHOT_SPACES as readonly string[]).includes(options.space)) throw new NascentError(`--space: one-shot search supports ${ONESHOT_SPACES.join(", ")}, got '${options.space}'`);
      const space = options.space as OneshotSpace;
      if (space !== "nb201" && options.latencyTarget !== undefined) throw new NascentError(`--latency-target: the per-op latency table is measured on the nb201 space only, not ${space}`);
      const cells = options.cells ?? (space === "nb301" ? 8 : 5);
      if (options.dataset !== "fashion-mnist") throw new NascentError(`--dataset: one-shot search supports fashion-mnist for now, got '${options.dataset}'`);
      const method = options.method as OneshotMethod;
      if (options.latencyDevice !== "engine") throw new NascentError(`--latency-device: one-shot search measures on 'engine' (this process's engine) for now, got '${options.latencyDevice}'`);
      if (method === "fbnet" && options.latencyTarget === undefined) throw new NascentError("--latency-target: --method fbnet needs a latency target in ms");
      if (options.latencyTarget !== undefined && method !== "fbnet" && method !== "proxyless") throw new NascentError(`--latency-target: only proxyless and fbnet take a latency target, not ${method}`);
      const studyName = options.study ?? `oneshot-${method}-seed${options.seed}`;
      const checkpointDir = options.checkpointDir ?? join(".nascent", "oneshot", studyName);
      const data = loadFashionMnist({ trainLimit: options.trainLimit });
      const storage = openStorage(options.storage);
      const progress = new TrainingProgress();
      try {
        const shape = { channels: options.channels, cells, epochs: options.epochs, batchSize: options.batchSize };
        const study = await openOneshotStudy(storage, studyName, method, options.seed, shape, space);
        if (!options.resume && (await storage.nextTrialNumber(study.id)) > 0) {
          throw new NascentError(`--study: '${studyName}' already holds epochs of a run; add --resume to continue it, or pick another --study`);
        }
        const engine = await loadEngine();
        const netShape = { channels: options.channels, cellsPerStage: cells, input: [...data.train.shape] as [number, number, number], classes: data.train.classes };
        const latency: LatencyObjective | undefined =
          options.latencyTarget === undefined ? undefined : { table: await latencyTable(options, engine, netShape, checkpointDir), targetMs: options.latencyTarget, ...LATENCY_LOSS_DEFAULTS };
        const result = await oneshotSearch({
          method,
          space,
          data,
          channels: options.channels,
          cellsPerStage: cells,
          epochs: options.epochs,
          seed: options.seed,
          batchSize: options.batchSize,
          candidates: options.candidates,
          evalImages: options.evalImages,
          engine,
          latency,
          warmupEpochs: options.warmupEpochs,
          partialChannels: options.partialChannels,
          checkpointDir,
          resume: options.resume ?? false,
          onStep: (step, total, loss) => progress.update(0, step, total, loss),
          onEpoch: async (record, state) => {
            await recordEpochs(storage, study, state.history, space);
            if (!options.json) process.stderr.write(`epoch ${record.epoch}: loss ${record.trainLoss.toFixed(4)}, supernet accuracy ${record.supernetAccuracy.toFixed(4)}${record.genotype ? `, ${record.genotype}` : ""}\n`);
          },
        });
        progress.stop();
        printJsonLine({ method, genotype: result.genotype, key: result.key, supernet: checkpointDir, epochs: result.state.epochsDone, seconds: Number(result.seconds.toFixed(1)) });
      } finally {
        progress.stop();
        await storage.close();
      }
    });
}
