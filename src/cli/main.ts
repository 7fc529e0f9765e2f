#!/usr/bin/env node
import { Command, CommanderError } from "commander";
import { NascentError, TrialsKeepFailing } from "../util/errors.js";
import { registerAskTell } from "./commands/ask-tell.js";
import { registerBench } from "./commands/bench.js";
import { registerDashboard } from "./commands/dashboard.js";
import { registerEvaluate } from "./commands/evaluate.js";
import { registerInspect } from "./commands/inspect.js";
import { registerOneshot } from "./commands/oneshot.js";
import { registerRead } from "./commands/read.js";
import { registerSearch } from "./commands/search.js";

const program = new Command()
  .name("nascent")
  .description("Neural Architecture Search: typed spaces, strategies, benchmarks, persistent studies")
  .showHelpAfterError("(run with --help for usage)")
  .exitOverride();

registerSearch(program);
registerRead(program);
registerAskTell(program);
registerEvaluate(program);
registerInspect(program);
registerDashboard(program);
registerBench(program);
registerOneshot(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode;
  } else if (error instanceof TrialsKeepFailing) {
    process.stderr.write(`nascent: error: ${error.message.trimEnd()}\n`);
    process.exitCode = 1;
  } else if (error instanceof NascentError) {
    process.stderr.write(`nascent: error: ${error.message.split("\n")[0]}\n`);
    process.exitCode = 2;
  } else {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`nascent: internal error: ${message.split("\n")[0]}\n(set NASCENT_DEBUG=1 for the stack trace)\n`);
    if (process.env.NASCENT_DEBUG) console.error(error);
    process.exitCode = 1;
  }
}
