import type { Command } from "commander";
import { DEFAULT_STORAGE, openStorage } from "../../storage/open.js";
import type { Storage } from "../../storage/storage.js";
import { TRIAL_STATES } from "../../storage/summary.js";
import { Study } from "../../study/study.js";
import { NascentError } from "../../core/errors.js";
import { bestJson, bestLines, formatValue, printJsonLine, trialJson } from "../output.js";

/** Opens the storage (read-only for commands that only read), runs `fn`, and always closes it. */
export async function withStorage<T>(url: string, fn: (storage: Storage) => Promise<T>, options: { readonly?: boolean } = {}): Promise<T> {
  const storage = openStorage(url, options);
  try {
    return await fn(storage);
  } finally {
    await storage.close();
  }
}

const READ_ONLY = { readonly: true };

interface ReadOptions {
  storage: string;
  study: string;
  json?: boolean;
  state?: string;
}

export function registerRead(program: Command): void {
  program
    .command("best")
    .description("the best trial of a study (the Pareto front for several objectives)")
    .option("--storage <url>", "sqlite:PATH", DEFAULT_STORAGE)
    .requiredOption("--study <name>", "study name")
    .option("--json", "print JSON")
    .action(async (options: ReadOptions) =>
      withStorage(options.storage, async (storage) => {
        const study = await Study.load(storage, options.study);
        const best = await bestJson(study);
        if (options.json) return printJsonLine(best);
        for (const line of bestLines(study, best)) console.log(line);
      }, READ_ONLY),
    );

  program
    .command("trials")
    .description("the trials of a study")
    .option("--storage <url>", "sqlite:PATH", DEFAULT_STORAGE)
    .requiredOption("--study <name>", "study name")
    .option("--state <state>", `only trials in this state (${TRIAL_STATES.join(", ")})`)
    .option("--json", "print a JSON array of {number, state, value, config, ...}")
    .action(async (options: ReadOptions) =>
      withStorage(options.storage, async (storage) => {
        if (options.state && !(TRIAL_STATES as readonly string[]).includes(options.state)) {
          throw new NascentError(`--state must be one of ${TRIAL_STATES.join(", ")}, got '${options.state}'`);
        }
        const study = await Study.load(storage, options.study);
        const trials = (await study.trials()).filter((t) => !options.state || t.state === options.state);
        if (options.json) return printJsonLine(trials.map(trialJson));
        for (const t of trials) {
          const value = t.values ? t.values.map(formatValue).join(", ") : "-";
          console.log(`${String(t.number).padStart(6)}  ${t.state.padEnd(8)}  ${value.padEnd(12)}  ${t.key}${t.error ? `  (${t.error})` : ""}`);
        }
      }, READ_ONLY),
    );

  program
    .command("studies")
    .description("the studies in a storage")
    .option("--storage <url>", "sqlite:PATH", DEFAULT_STORAGE)
    .option("--json", "print JSON")
    .action(async (options: { storage: string; json?: boolean }) =>
      withStorage(options.storage, async (storage) => {
        const studies = await storage.listStudies();
        if (options.json) return printJsonLine(studies);
        if (studies.length === 0) return console.log(`no studies in ${storage.url}`);
        for (const s of studies) {
          const counts = TRIAL_STATES.map((state) => `${s.counts[state]} ${state}`).join(", ");
          const objectives = s.objectives.map((o) => `${o.metric}:${o.direction === "maximize" ? "max" : "min"}`).join(",");
          console.log(`${s.name}  [${objectives}]  ${counts}`);
        }
      }, READ_ONLY),
    );
}
