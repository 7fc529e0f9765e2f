import { readFileSync, writeFileSync } from "node:fs";
import type { Command } from "commander";
import { parse } from "csv-parse/sync";
import { llmConfigProblem, resolveArchitecture, type LlmConfig } from "../../space/builtin/llm-architecture.js";
import { resolveDevice } from "../../cost/llm/devices.js";
import { fitChinchillaLaw, relativeErrors, type ScalingRun } from "../../cost/llm/fit.js";
import { fromHfConfig, hfConfigWarnings, isHfConfig } from "../../cost/llm/hf-config.js";
import { parseDtype } from "../../cost/llm/memory.js";
import { costReport, costWarnings, type CostReport } from "../../cost/llm/report.js";
import { computeOptimal, resolveLaw } from "../../cost/llm/scaling-law.js";
import { ConfigError, NascentError } from "../../core/errors.js";
import { printJsonLine } from "../output.js";

/** A positive number from a flag, or a one-line error naming the flag. */
function positive(flag: string, text: string | undefined, integer = false): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) throw new NascentError(`${flag} must be a positive ${integer ? "integer" : "number"}, got '${text}'`);
  return value;
}

/** `--config`: inline JSON or a path to a JSON file, either an llm config or a Hugging Face config.json. */
export function readLlmConfig(text: string): LlmConfig {
  let json: unknown;
  const inline = text.trim().startsWith("{");
  try {
    json = JSON.parse(inline ? text : readFileSync(text, "utf8"));
  } catch (error) {
    throw new NascentError(`--config: ${inline ? "not valid JSON" : `cannot read '${text}'`}: ${(error as Error).message.split("\n")[0]}`);
  }
  const config = isHfConfig(json) ? fromHfConfig(json) : (json as LlmConfig);
  if (isHfConfig(json)) for (const warning of hfConfigWarnings(json)) console.error(`nascent: warning: ${warning}`);
  const problem = llmConfigProblem(config);
  // Every problem, one line each, named as the flag's.
  if (problem) throw ConfigError.of(problem.issues.map((issue) => ({ ...issue, path: issue.path ? `--config: ${issue.path}` : "--config" })));
  return config;
}

/** 72.25B, 31.2M, 4.3K: a count in the unit that keeps it readable. */
const count = (x: number) => (x >= 1e12 ? `${(x / 1e12).toFixed(3)}T` : x >= 1e9 ? `${(x / 1e9).toFixed(2)}B` : x >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : x >= 1e3 ? `${(x / 1e3).toFixed(1)}K` : x.toPrecision(3));
const giga = (x: number) => `${(x / 1e9).toFixed(2)} GB`;
const sci = (x: number | null) => (x === null ? "-" : x.toExponential(3));

function printCost(report: CostReport): void {
  const a = report.architecture;
  console.log(`shape       ${a.layers} layers x d=${a.dModel}, ${a.heads} heads (${a.kvHeads} kv, d_h=${a.headDim}), ${a.ffn} f=${a.ffnDim}, V=${a.vocab}, ${a.norm}, ${a.positions}${a.slidingWindow ? `, window ${a.slidingWindow}` : ""}, ${a.tiedEmbeddings ? "tied" : "untied"}`);
  console.log(`params      ${report.params.toLocaleString("en-US")} (embedding ${report.embeddingParams.toLocaleString("en-US")}, non-embedding ${report.nonEmbeddingParams.toLocaleString("en-US")})`);
  console.log(`training    ${sci(report.trainFlops)} FLOPs for ${sci(report.tokens)} tokens (6ND alone ${sci(report.trainFlops6ND)}); predicted loss ${report.loss?.toFixed(4) ?? "-"}`);
  console.log(`per token   prefill ${sci(report.prefillFlopsPerToken)} FLOPs, decode ${sci(report.decodeFlopsPerToken)} FLOPs at context ${report.context}`);
  console.log(`memory      ${report.dtype} weights ${giga(report.weightBytes)}, KV cache ${(report.kvCacheBytesPerToken / 1024).toFixed(1)} KiB/token = ${giga(report.kvCacheBytes)} at batch ${report.batch}; inference ${giga(report.inferenceMemoryBytes)}`);
  console.log(`train mem   ${giga(report.trainingMemory.total)} (activations ${giga(report.trainingMemory.activations)}); checkpointed + flash ${giga(report.trainingMemoryCheckpointed.total)}`);
  console.log(`vocabulary  Tao et al. 2024 optimal for this N_nv and d: ${report.optimalVocab.toLocaleString("en-US")}`);
  console.log("device        decode ms/token  tokens/s  bound    prefill ms/token  fits");
  for (const s of report.serving) {
    console.log(`${s.device.padEnd(13)} ${(s.decodeSecondsPerToken * 1000).toFixed(3).padStart(15)}  ${s.decodeTokensPerSecond.toFixed(1).padStart(8)}  ${s.decodeBound.padEnd(7)}  ${(s.prefillSecondsPerToken * 1000).toFixed(4).padStart(16)}  ${s.fits ? "yes" : "no"}`);
  }
}

export function registerLlm(program: Command): void {
  const llm = program.command("llm").description("size decoder-only language models: analytic costs, scaling laws, fits");

  llm
    .command("cost")
    .description("parameters, FLOPs, KV cache, memory and roofline latency of one model")
    .requiredOption("--config <json|path>", "an llm config or a Hugging Face config.json (llama, mistral, qwen2, gemma, gpt2)")
    .option("--tokens <D>", "training tokens (default: the config's tokens)")
    .option("--context <T>", "context for per-token FLOPs, KV cache and latency (default: the model's)")
    .option("--batch <B>", "sequences at once", "1")
    .option("--dtype <dtype>", "fp32, bf16, fp16, fp8, int8 or int4", "bf16")
    .option("--device <name|file.json>", "only this device (default: every built-in device)")
    .option("--law <name>", "loss law: hoffmann, besiroglu or fit:PATH", "hoffmann")
    .option("--json", "print one JSON object")
    .action((options: { config: string; tokens?: string; context?: string; batch: string; dtype: string; device?: string; law: string; json?: boolean }) => {
      const config = readLlmConfig(options.config);
      const a = resolveArchitecture(config);
      const context = positive("--context", options.context, true) ?? a.context;
      for (const warning of costWarnings(a, context)) console.error(`nascent: warning: ${warning}`);
      const report = costReport(a, {
        dtype: parseDtype(options.dtype),
        batch: positive("--batch", options.batch, true) as number,
        context,
        tokens: positive("--tokens", options.tokens) ?? config.tokens,
        devices: options.device ? [resolveDevice(options.device)] : undefined,
        law: resolveLaw(options.law),
      });
      if (options.json) printJsonLine(report);
      else printCost(report);
    });

  llm
    .command("optimal")
    .description("compute-optimal parameters and tokens for a FLOP budget (C = 6ND)")
    .requiredOption("--compute <FLOPs>", "training budget in FLOPs, e.g. 5.76e23")
    .option("--law <name>", "hoffmann, besiroglu or fit:PATH", "hoffmann")
    .option("--json", "print one JSON object")
    .action((options: { compute: string; law: string; json?: boolean }) => {
      const compute = positive("--compute", options.compute) as number;
      const law = resolveLaw(options.law);
      const optimal = computeOptimal(law, compute);
      if (options.json) return printJsonLine({ law: law.name, constants: { E: law.E, A: law.A, B: law.B, alpha: law.alpha, beta: law.beta }, ...optimal });
      console.log(`law      ${law.name}: L = ${law.E} + ${law.A}/N^${law.alpha} + ${law.B}/D^${law.beta}  (${law.source})`);
      console.log(`formula  N = G (C/6)^a, D = (C/6)^b / G, G = (alpha A / (beta B))^(1/(alpha+beta)) = ${optimal.G.toPrecision(4)}, a = ${optimal.a.toFixed(4)}, b = ${optimal.b.toFixed(4)}`);
      console.log(`optimal  N = ${count(optimal.params)} parameters, D = ${count(optimal.tokens)} tokens (${optimal.tokensPerParam.toPrecision(3)} tokens/param), loss ${optimal.loss.toFixed(4)}`);
    });

  llm
    .command("fit")
    .description("fit L(N, D) = E + A/N^alpha + B/D^beta to your runs (Huber on log-loss, L-BFGS from a grid, as Hoffmann et al.)")
    .requiredOption("--runs <csv>", "CSV with columns params, tokens, loss (one row per run)")
    .option("--out <law.json>", "write the fitted law here (use it as --law fit:PATH)")
    .option("--delta <x>", "Huber delta", "1e-3")
    .option("--json", "print one JSON object")
    .action((options: { runs: string; out?: string; delta: string; json?: boolean }) => {
      const runs = readRuns(options.runs);
      const law = fitChinchillaLaw(runs, { delta: positive("--delta", options.delta) });
      const errors = relativeErrors(law, runs);
      if (options.out) writeFileSync(options.out, `${JSON.stringify(law, null, 2)}\n`);
      if (options.json) return printJsonLine({ ...law, relativeErrors: errors });
      console.log(`fit      L = ${law.E.toFixed(4)} + ${law.A.toPrecision(5)}/N^${law.alpha.toFixed(4)} + ${law.B.toPrecision(5)}/D^${law.beta.toFixed(4)}`);
      console.log(`runs     ${runs.length}; largest |relative error| ${(Math.max(...errors.map(Math.abs)) * 100).toFixed(2)}%; ${law.starts} of the grid's starts reached the optimum`);
      if (options.out) console.log(`written  ${options.out}`);
    });
}

/** Runs from a CSV with a header naming params, tokens and loss (extra columns are ignored). */
export function readRuns(path: string): ScalingRun[] {
  let rows: Record<string, string>[];
  try {
    rows = parse(readFileSync(path, "utf8"), { columns: true, skip_empty_lines: true, trim: true });
  } catch (error) {
    throw new NascentError(`--runs: cannot read '${path}': ${(error as Error).message.split("\n")[0]}`);
  }
  return rows.map((row, i) => {
    const value = (column: string): number => {
      const number = Number(row[column]);
      if (row[column] === undefined) throw new NascentError(`--runs ${path}: no '${column}' column (expected params, tokens, loss)`);
      if (!(number > 0)) throw new NascentError(`--runs ${path}, row ${i + 2}, column ${column}: expected a positive number, got '${row[column]}'`);
      return number;
    };
    return { params: value("params"), tokens: value("tokens"), loss: value("loss") };
  });
}
