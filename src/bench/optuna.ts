import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { dataPath } from "../core/data-path.js";
import type { RunResult } from "./sample-efficiency.js";

const run = promisify(execFile);
/** Debian's python3-optuna installs for this interpreter, not for whatever python3 is first on PATH. */
export const REFERENCE_PYTHON = process.env.NASCENT_OPTUNA_PYTHON ?? "/usr/bin/python3";
const SCRIPT = fileURLToPath(new URL("../../../bench/optuna_reference.py", import.meta.url));

/** The Optuna version the reference interpreter has, or null when Optuna is not installed there. */
export async function optunaVersion(): Promise<string | null> {
  if (!existsSync(REFERENCE_PYTHON) || !existsSync(SCRIPT)) return null;
  try {
    const { stdout } = await run(REFERENCE_PYTHON, ["-c", "import optuna; print(optuna.__version__)"]);
    return stdout.trim();
  } catch {
    return null;
  }
}

async function reference(args: string[]): Promise<unknown> {
  const { stdout } = await run(REFERENCE_PYTHON, [SCRIPT, ...args, "--csv", dataPath("nb201", "nb201.csv.gz")], { maxBuffer: 256 * 1024 * 1024 });
  return JSON.parse(stdout);
}

/** Optuna's sampler on the NB201 table, seeds 1..seeds: the same curves nascent's runs give. */
export async function optunaSampleEfficiency(dataset: string, sampler: string, budget: number, seeds: number): Promise<RunResult[]> {
  const output = (await reference(["samples", "--dataset", dataset, "--sampler", sampler, "--budget", String(budget), "--seeds", String(seeds)])) as { runs: RunResult[] };
  return output.runs;
}

export async function optunaAskSeconds(dataset: string, sampler: string, completed: number, asks: number): Promise<number> {
  const output = (await reference(["overhead", "--dataset", dataset, "--sampler", sampler, "--completed", String(completed), "--asks", String(asks)])) as { medianAskSeconds: number };
  return output.medianAskSeconds;
}
