/**
 * Vocabulary as a searched dimension: one tiny GPT shape (2 layers, width 64) trained through `train:text`
 * with byte-level tokens (V = 256) and byte-level BPE vocabularies learned on the training text (V = 512,
 * 1024, 2048), each for the same training FLOPs (6 N_m D + attention, the LM head included in N_m), cosine
 * schedule to its own end. Loss is nats per byte of validation text, so vocabularies compare. Runs in
 * parallel child processes (one thread each). Writes docs/bench/llm-vocab.json.
 *
 *   node dist/bench/llm-vocab.js [flops=5e11]
 */
import { fork } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { resolveArchitecture, type LlmConfig } from "../src/space/builtin/llm-architecture.js";
import { trainingFlops } from "../src/cost/llm/flops.js";
import { TrainTextEvaluator } from "../src/evaluate/train-text.js";
import { Rng } from "../src/core/rng.js";

const OUT = fileURLToPath(new URL("../../docs/bench/", import.meta.url));
const VOCABS = [256, 512, 1024, 2048];
const BATCH = 32;

function config(vocab: number, flops: number): LlmConfig {
  const base: LlmConfig = { layers: 2, dModel: 64, heads: 4, kvHeads: 4, ffn: "gelu", ffnMult: 4, vocab, context: 64, tiedEmbeddings: false, norm: "layernorm", bias: "all", positions: "learned" };
  const steps = Math.round(flops / trainingFlops(resolveArchitecture(base), 1) / (BATCH * 64));
  return { ...base, tokens: steps * BATCH * 64 };
}

const [mode, arg] = process.argv.slice(2);
if (mode === "--run") {
  const [vocab, flops] = arg.split(":").map(Number);
  const started = performance.now();
  const evaluator = new TrainTextEvaluator({ batch: BATCH, learningRate: (1e-2 * 32) / 64, evalTokens: 1 << 30, evalWindows: 512 });
  const metrics = await evaluator.evaluate(config(vocab, flops), { trialNumber: 0, rng: Rng.derive("llm-vocab", vocab), report: async () => {}, shouldPrune: () => false, signal: new AbortController().signal });
  writeFileSync(`${OUT}llm-vocab-${vocab}.part.json`, JSON.stringify({ vocab, ...metrics, wallSeconds: (performance.now() - started) / 1000 }));
} else {
  const flops = Number(mode ?? 5e11);
  mkdirSync(OUT, { recursive: true });
  await Promise.all(VOCABS.map((vocab) => new Promise<void>((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ["--run", `${vocab}:${flops}`], { env: { ...process.env, NASCENT_THREADS: "1" } });
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`vocab ${vocab} exited with ${code}`))));
  })));
  const runs = VOCABS.map((vocab) => JSON.parse(readFileSync(`${OUT}llm-vocab-${vocab}.part.json`, "utf8")) as Record<string, number>);
  console.log("| V | params | tokens | bytes/token | loss (nats/byte) | loss (nats/token) |\n|---|---|---|---|---|---|");
  for (const r of runs) console.log(`| ${r.vocab} | ${r.params} | ${r.tokens} | ${(r.loss_per_token / r.loss).toFixed(3)} | ${r.loss.toFixed(4)} | ${r.loss_per_token.toFixed(4)} |`);
  writeFileSync(`${OUT}llm-vocab.json`, `${JSON.stringify({ flops, runs }, null, 2)}\n`);
}
