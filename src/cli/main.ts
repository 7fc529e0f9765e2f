#!/usr/bin/env node
import { readFileSync } from "node:fs";
import { Command } from "commander";
import { registerAskTell } from "./commands/ask-tell.js";
import { registerBench } from "./commands/bench.js";
import { registerCreate } from "./commands/create.js";
import { registerDashboard } from "./commands/dashboard.js";
import { registerDoctor } from "./commands/doctor.js";
import { registerEvaluate } from "./commands/evaluate.js";
import { registerExport } from "./commands/export.js";
import { registerInspect } from "./commands/inspect.js";
import { registerList } from "./commands/list.js";
import { registerLatency } from "./commands/latency.js";
import { registerLlm } from "./commands/llm.js";
import { registerNeat } from "./commands/neat.js";
import { registerOneshot } from "./commands/oneshot.js";
import { registerOfa } from "./commands/ofa.js";
import { registerRead } from "./commands/read.js";
import { registerSearch } from "./commands/search.js";
import { helpConfiguration } from "./help.js";
import { errorLine, exitQuietlyOnClosedPipe, reportError } from "./errors.js";
import { registerWorker } from "./commands/worker.js";

exitQuietlyOnClosedPipe();

// dist/src/cli/main.js -> package.json at the package root.
const { version } = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as { version: string };

let commanderPrinted = false;
const program = new Command()
  .name("nascent")
  .description("Neural Architecture Search: typed spaces, strategies, benchmarks, persistent studies")
  .version(version, "-V, --version", "print nascent's version")
  .configureHelp(helpConfiguration)
  .configureOutput({
    outputError: (text, write) => {
      commanderPrinted = true;
      // Commander's parse errors take the same one-line shape as nascent's own.
      write(errorLine(`${text.trim().split("\n")[0]} (see --help)`));
    },
  })
  .exitOverride()
  // NASCENT_ENGINE / NASCENT_THREADS typos stop every command at once, before a study records failed trials.
  .hook("preAction", async () => (await import("../nn/engine/index.js")).checkEngineEnvironment());

registerSearch(program);
registerRead(program);
registerAskTell(program);
registerEvaluate(program);
registerInspect(program);
registerList(program);
registerExport(program);
registerDashboard(program);
registerBench(program);
registerCreate(program);
registerWorker(program);
registerLatency(program);
registerLlm(program);
registerNeat(program);
registerDoctor(program);
registerOneshot(program);
registerOfa(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = reportError(error, commanderPrinted);
}
