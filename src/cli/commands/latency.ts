import type { Command } from "commander";
import { fewShotTransfer } from "../../predict/latency/transfer.js";
import { NascentError } from "../../core/errors.js";
import { integer, positiveInt } from "../arguments.js";
import { printJsonLine } from "../output.js";
import { registerLatencyFit } from "./latency-fit.js";
import { registerLatencyProfile } from "./latency-profile.js";
import { chooseSources, readLatencyTable } from "./latency-table.js";

interface TransferOptions {
  table: string;
  archColumn: string;
  target: string;
  sources?: string;
  samples: number;
  seed: number;
  prunedView: boolean;
  json?: boolean;
}

export function registerLatency(program: Command): Command {
  const latency = program.command("latency").description("latency on devices: measure, predict, transfer to new devices");
  latency
    .command("transfer")
    .description("few-shot transfer: predict a device's latency from a few of its measurements and the other devices of a table")
    .requiredOption("--table <csv>", "CSV (optionally .gz) with an architecture column and one latency column per device (ms)")
    .option("--arch-column <name>", "column of NAS-Bench-201 cell strings", "arch")
    .requiredOption("--target <column>", "the device to predict (its other rows are held out and scored)")
    .option("--sources <columns>", "comma-separated source devices (default: every other latency column)")
    .option("--samples <n>", "measured rows of the target used to adapt", positiveInt, 20)
    .option("--seed <n>", "seed for drawing the samples", integer, 0)
    .option("--no-pruned-view", "model the target on the cells as written only (by default the evidence may pick their pruned forms, dead ops removed)")
    .option("--json", "print one JSON line")
    .action((options: TransferOptions) => {
      const table = readLatencyTable(options.table, options.archColumn);
      const sources = chooseSources(table, options.target, options.sources, options.table);
      if (options.samples >= table.features.length) throw new NascentError(`--samples ${options.samples} leaves no row of '${options.table}' to score`);
      const result = fewShotTransfer(table, options.target, sources, options.samples, options.seed, { prunedView: options.prunedView });
      const summary = { spearman: result.spearman, within10: result.within10, rmse_ms: result.rmseMs, samples: result.samples, mape: result.mape, target: result.target, sources: result.sources.length };
      if (options.json) return printJsonLine(summary);
      console.log(`${result.target}: Spearman ${result.spearman.toFixed(4)}, within ±10% ${(100 * result.within10).toFixed(1)}%, RMSE ${result.rmseMs.toFixed(3)} ms, from ${result.samples} samples and ${result.sources.length} source devices`);
    });
  registerLatencyProfile(latency);
  registerLatencyFit(latency);
  return latency;
}
