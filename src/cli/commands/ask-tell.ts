import type { Command } from "commander";
import { DEFAULT_STORAGE } from "../../storage/open.js";
import { registeredStrategy } from "../../strategy/registry.js";
import { DETACHED_LEASE_MS, Study } from "../../study/study.js";
import { NascentError } from "../../core/errors.js";
import { collect, integer, parseDecimal, positiveNumber } from "../arguments.js";
import { parseConfigArgument } from "../parse-config.js";
import { printJsonLine, trialJson } from "../output.js";
import { withStorage } from "./read.js";

interface AskOptions {
  storage: string;
  study: string;
  config?: string;
  lease: number;
}

interface TellOptions {
  storage: string;
  study: string;
  trial: number;
  value: string[];
  metrics?: string;
  failed?: string;
}

/** `ask` and `tell` let any program drive a study created by `nascent search` (or the API) one trial at a time. */
export function registerAskTell(program: Command): void {
  program
    .command("ask")
    .description("reserve the next trial of a study and print {number, config, key} as JSON")
    .option("--storage <url>", "sqlite:PATH", DEFAULT_STORAGE)
    .requiredOption("--study <name>", "study name")
    .option("--config <json|nb201 string>", "evaluate this config next instead of asking the strategy")
    .option("--lease <seconds>", "how long the trial holds its place in the budget if it is never told (default 24 h); 'nascent tell --failed' releases it sooner", positiveNumber, DETACHED_LEASE_MS / 1000)
    .action(async (options: AskOptions) =>
      withStorage(options.storage, async (storage) => {
        const study = await Study.load(storage, options.study, { strategies: registeredStrategy });
        const config = options.config === undefined ? undefined : parseConfigArgument(study.space, options.config);
        const asked = await study.ask({ config, leaseMs: options.lease * 1000 });
        if (!asked) throw new NascentError(`study '${options.study}' has no trial budget left`);
        printJsonLine({ number: asked.number, config: asked.config, key: asked.key });
      }),
    );

  program
    .command("tell")
    .description("record the result of a trial handed out by ask")
    .option("--storage <url>", "sqlite:PATH", DEFAULT_STORAGE)
    .requiredOption("--study <name>", "study name")
    .requiredOption("--trial <number>", "trial number", integer)
    .option("--value <v>", "objective value (repeat for several objectives)", collect, [])
    .option("--metrics <json>", 'named metrics, e.g. {"accuracy": 93.1, "params": 0.8}')
    .option("--failed <reason>", "mark the trial failed")
    .action(async (options: TellOptions) =>
      withStorage(options.storage, async (storage) => {
        const study = await Study.load(storage, options.study);
        const given = [options.value.length > 0, options.metrics !== undefined, options.failed !== undefined].filter(Boolean).length;
        if (given !== 1) throw new NascentError("give exactly one of --value, --metrics or --failed");
        let record;
        if (options.failed !== undefined) record = await study.tellFailure(options.trial, options.failed);
        else if (options.metrics !== undefined) record = await study.tell(options.trial, checkMetrics(parseMetrics(options.metrics), study));
        else record = await study.tell(options.trial, parseValues(options.value, study));
        if (record.state === "failed" && options.failed === undefined) {
          throw new NascentError(`trial ${record.number} is recorded as failed: ${record.error}`);
        }
        printJsonLine(trialJson(record));
      }),
    );
}

/** Every --value as a finite decimal, one per objective; bad input leaves the trial running, to be told again. */
function parseValues(texts: string[], study: Study<unknown>): number[] {
  const objectives = study.spec.objectives;
  if (texts.length !== objectives.length) {
    throw new NascentError(`study '${study.name}' has ${objectives.length} objective(s) (${objectives.map((o) => o.metric).join(", ")}); got ${texts.length} --value`);
  }
  return texts.map((text, i) => {
    const value = parseDecimal(text);
    if (value === null) throw new NascentError(`--value '${text}' (for ${objectives[i].metric}) is not a finite decimal number; nothing was recorded`);
    return value;
  });
}

/** Every objective and constraint metric present, every metric a finite number; else the trial stays running. */
function checkMetrics(metrics: Record<string, unknown>, study: Study<unknown>): Record<string, number> {
  for (const [name, value] of Object.entries(metrics)) {
    if (typeof value !== "number" || !Number.isFinite(value)) throw new NascentError(`--metrics: '${name}' is ${JSON.stringify(value)}, not a finite number; nothing was recorded`);
  }
  const needed = [...study.spec.objectives.map((o) => o.metric), ...study.spec.constraints.map((c) => c.metric)];
  const missing = needed.filter((name) => !(name in metrics));
  if (missing.length) {
    throw new NascentError(`--metrics lacks ${missing.map((m) => `'${m}'`).join(", ")} (the study needs ${needed.join(", ")}; got ${Object.keys(metrics).join(", ") || "none"}); nothing was recorded`);
  }
  return metrics as Record<string, number>;
}

function parseMetrics(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new NascentError(`--metrics is not valid JSON: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new NascentError("--metrics must be a JSON object of numbers");
  return value as Record<string, unknown>;
}
