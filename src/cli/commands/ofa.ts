import type { Command } from "commander";
import { integer, positiveInt, positiveNumber } from "../arguments.js";
import { printJsonLine } from "../output.js";
import { NascentError } from "../../core/errors.js";
import { loadEngine } from "../../nn/engine/index.js";
import { loadOfaData, trainOfa } from "../../ofa/run.js";
import { PhaseProgress } from "./ofa-progress.js";
import { registerOfaSearch } from "./ofa-search.js";
import { registerOfaExtract } from "./ofa-use.js";

interface TrainOptions {
  space: string;
  dataset: string;
  out: string;
  native: number;
  width: number;
  head: number;
  batchSize: number;
  epochs: string;
  seed: number;
  trainLimit?: number;
  json?: boolean;
}

function parseEpochs(text: string): { full: number; kernel: number; short: number; long: number } {
  const parts = text.split(",").map(Number);
  if (parts.length !== 4 || parts.some((p) => !(p > 0))) throw new NascentError(`--epochs '${text}': expected four positive numbers FULL,KERNEL,SHORT,LONG (e.g. OFA's ImageNet 180,120,25,120)`);
  return { full: parts[0], kernel: parts[1], short: parts[2], long: parts[3] };
}

export function registerOfa(program: Command): void {
  const ofa = program.command("ofa").description("once-for-all (Cai et al. 2020): train one elastic supernet, specialise sub-networks per budget without retraining");
  ofa
    .command("train")
    .description("progressive shrinking of a mobilenet-space supernet (full, kernel, depth x2, expand x2), resumable from --out")
    .option("--space <name>", "search space (mobilenet)", "mobilenet")
    .option("--dataset <name>", "dataset (fashion-mnist)", "fashion-mnist")
    .requiredOption("--out <dir>", "supernet directory (checkpoints, state.json)")
    .option("--native <px>", "input side the images are resized to (resolution 1)", positiveInt, 16)
    .option("--width <x>", "the mobilenet space's width multiplier of every stage (0.75, 1, 1.25)", positiveNumber, 1)
    .option("--head <n>", "channels of the 1x1 head conv", positiveInt, 128)
    .option("--batch-size <n>", "images per step", positiveInt, 128)
    .option("--epochs <list>", "passes per phase FULL,KERNEL,SHORT,LONG (the depth/expand phases are SHORT then LONG)", "0.5,0.1,0.02,0.08")
    .option("--train-limit <n>", "use only the first n training images", positiveInt)
    .option("--seed <n>", "seed", integer, 0)
    .option("--json", "print only the final JSON line")
    .action(async (options: TrainOptions) => {
      if (options.space !== "mobilenet") throw new NascentError(`--space: once-for-all trains the mobilenet space, got '${options.space}'`);
      if (options.dataset !== "fashion-mnist") throw new NascentError(`--dataset: once-for-all supports fashion-mnist for now, got '${options.dataset}'`);
      if (![0.75, 1, 1.25].includes(options.width)) throw new NascentError(`--width ${options.width}: the mobilenet space allows 0.75, 1 or 1.25`);
      const epochs = parseEpochs(options.epochs);
      const data = loadOfaData(options.native, options.trainLimit);
      const progress = new PhaseProgress();
      const state = await trainOfa(
        await loadEngine(),
        data,
        { dir: options.out, width: options.width, head: options.head, batch: options.batchSize, seed: options.seed, epochs, kdRatio: 1, weightDecay: 3e-5, checkpointEvery: 20, calibrationImages: 1024, probeImages: 2000 },
        (phase, step, steps, loss) => progress.update(phase.name, step, steps, `loss ${loss.toFixed(4)}`),
      );
      progress.stop();
      const summary = { out: options.out, phases: state.history.map((h) => ({ phase: h.phase, steps: h.steps, seconds: Math.round(h.seconds), accuracy: h.accuracy })), seconds: Math.round(state.seconds) };
      if (options.json) printJsonLine(summary);
      else for (const h of summary.phases) console.log(`${h.phase.padEnd(9)} ${String(h.steps).padStart(5)} steps ${String(h.seconds).padStart(6)} s  ${Object.entries(h.accuracy).map(([k, v]) => `${k} ${v.toFixed(4)}`).join("  ")}`);
    });
  registerOfaSearch(ofa);
  registerOfaExtract(ofa);
}
