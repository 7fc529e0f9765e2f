import type { Command } from "commander";
import { join } from "node:path";
import { integer, positiveInt } from "../arguments.js";
import { printJsonLine } from "../output.js";
import { TrainingProgress } from "../progress.js";
import { loadFashionMnist } from "../../nn/data/fashion-mnist.js";
import { loadEngine } from "../../nn/engine/index.js";
import { openOneshotStudy, recordEpochs } from "../../oneshot/record.js";
import { ONESHOT_METHODS, oneshotSearch, type OneshotMethod } from "../../oneshot/search.js";
import { DEFAULT_STORAGE, openStorage } from "../../storage/open.js";
import { NascentError } from "../../core/errors.js";

interface OneshotOptions {
  method: string;
  space: string;
  dataset: string;
  trainLimit?: number;
  epochs: number;
  channels: number;
  cells: number;
  batchSize: number;
  candidates: number;
  evalImages: number;
  seed: number;
  storage: string;
  study?: string;
  checkpointDir?: string;
  resume?: boolean;
  json?: boolean;
}

export function registerOneshot(program: Command): void {
  program
    .command("oneshot")
    .description("weight-sharing NAS: train a supernet (DARTS, GDAS, ProxylessNAS two-path, SPOS, RSPS) and derive a genotype")
    .requiredOption("--method <name>", `one of ${ONESHOT_METHODS.join(", ")}`)
    .option("--space <name>", "search space (nb201)", "nb201")
    .option("--dataset <name>", "dataset (fashion-mnist)", "fashion-mnist")
    .option("--train-limit <n>", "use only the first n training images", positiveInt)
    .option("--epochs <n>", "supernet training epochs", positiveInt, 50)
    .option("--channels <n>", "width C of the first stage", positiveInt, 16)
    .option("--cells <n>", "cells per stage N", positiveInt, 5)
    .option("--batch-size <n>", "batch size of both steps", positiveInt, 64)
    .option("--candidates <n>", "SPOS/RSPS: cells ranked by the supernet", positiveInt, 100)
    .option("--eval-images <n>", "held-out images for the supernet accuracy", positiveInt, 1000)
    .option("--seed <n>", "seed", integer, 0)
    .option("--storage <url>", "where the study is written", DEFAULT_STORAGE)
    .option("--study <name>", "study name (default oneshot-METHOD-seedS)")
    .option("--checkpoint-dir <dir>", "where each epoch's state is saved (default .nascent/oneshot/STUDY)")
    .option("--resume", "continue from the last saved epoch")
    .option("--json", "print only the final JSON line")
    .action(async (options: OneshotOptions) => {
      if (!(ONESHOT_METHODS as readonly string[]).includes(options.method)) throw new NascentError(`--method: unknown one-shot method '${options.method}' (expected one of ${ONESHOT_METHODS.join(", ")})`);
      if (options.space !== "nb201") throw new NascentError(`--space: one-shot search supports nb201 for now, got '${options.space}'`);
      if (options.dataset !== "fashion-mnist") throw new NascentError(`--dataset: one-shot search supports fashion-mnist for now, got '${options.dataset}'`);
      const method = options.method as OneshotMethod;
      const studyName = options.study ?? `oneshot-${method}-seed${options.seed}`;
      const checkpointDir = options.checkpointDir ?? join(".nascent", "oneshot", studyName);
      const data = loadFashionMnist({ trainLimit: options.trainLimit });
      const storage = openStorage(options.storage);
      const progress = new TrainingProgress();
      try {
        const shape = { channels: options.channels, cells: options.cells, epochs: options.epochs, batchSize: options.batchSize };
        const study = await openOneshotStudy(storage, studyName, method, options.seed, shape);
        if (!options.resume && (await storage.nextTrialNumber(study.id)) > 0) {
          throw new NascentError(`--study: '${studyName}' already holds epochs of a run; add --resume to continue it, or pick another --study`);
        }
        const result = await oneshotSearch({
          method,
          data,
          channels: options.channels,
          cellsPerStage: options.cells,
          epochs: options.epochs,
          seed: options.seed,
          batchSize: options.batchSize,
          candidates: options.candidates,
          evalImages: options.evalImages,
          engine: await loadEngine(),
          checkpointDir,
          resume: options.resume ?? false,
          onStep: (step, total, loss) => progress.update(0, step, total, loss),
          onEpoch: async (record, state) => {
            await recordEpochs(storage, study, state.history);
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
