import type { Command } from "commander";
import { positiveInt } from "../arguments.js";
import { NascentError } from "../../core/errors.js";
import { loadEngine } from "../../nn/engine/index.js";
import { Resized, type EvalData } from "../../ofa/evaluate.js";
import { extractSubnet, writeExtracted } from "../../ofa/extract.js";
import { configKey, parseConfig } from "../../ofa/network.js";
import { loadOfaData, type OfaData } from "../../ofa/run.js";
import { OfaRunner } from "../../ofa/runner.js";
import { loadOfaState } from "../../ofa/state.js";

export function openSupernet(dir: string) {
  const state = loadOfaState(dir);
  if (!state) throw new NascentError(`--supernet ${dir}: no once-for-all supernet there (run nascent ofa train --out ${dir})`);
  if (state.phase < 1) throw new NascentError(`--supernet ${dir}: training has not finished its first phase`);
  return state;
}

export const evalDataOf = (data: OfaData, evaluation: Resized, calibration: number): EvalData => ({ calibration: data.train, calibrationImages: calibration, evaluation, batch: 128 });
export const limited = (r: Resized, n: number) => new Resized({ ...r.dataset, count: Math.min(n, r.dataset.count) });

interface ExtractOptions {
  supernet: string;
  config: string;
  out: string;
  calibration: number;
}

export function registerOfaExtract(ofa: Command): void {
  ofa
    .command("extract")
    .description("cut one sub-network out of a supernet, BatchNorm statistics recomputed on training images")
    .requiredOption("--supernet <dir>", "a trained supernet")
    .requiredOption("--config <config>", "a key like r1:k7e6d4|k5e4d3|k3e4d2|k7e6d4, or the config as JSON")
    .requiredOption("--out <file>", "model.onnx, model.safetensors (nascent checkpoint) or model.json (network)")
    .option("--calibration <n>", "training images for the BatchNorm statistics", positiveInt, 2000)
    .action(async (options: ExtractOptions) => {
      const config = parseConfig(options.config);
      const state = openSupernet(options.supernet);
      const data = loadOfaData(state.meta.shape.input[0]);
      const runner = new OfaRunner(await loadEngine(), state.meta.shape);
      const extracted = await extractSubnet(runner, state.supernet, config, evalDataOf(data, data.validation, options.calibration));
      await writeExtracted(options.out, extracted);
      runner.dispose();
      console.log(`${configKey(config)} -> ${options.out}`);
    });
}
