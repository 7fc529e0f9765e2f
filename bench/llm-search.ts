/**
 * The LLM-sizing acceptance search, timed end to end through the CLI: NSGA-II over the built-in `llm` space,
 * objectives predicted loss (Hoffmann et al.'s law) and L4 decode latency, constraints train_flops <= 1e21,
 * bf16 inference memory at 8k context <= 16 GB and L4 latency <= 20 ms/token. Prints the front as a table and
 * one JSON line (seconds, trials, front).
 *
 *   node dist/bench/llm-search.js [trials=2000]
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const CLI = fileURLToPath(new URL("../src/cli/main.js", import.meta.url));
const trials = process.argv[2] ?? "2000";
const args = [
  "search", "--space", "llm", "--evaluator", "llm:scaling-law:context=8192,dtype=bf16", "--law", "hoffmann", "--strategy", "nsga2", "--trials", trials,
  "--storage", "memory:", "--objective", "loss:min", "--objective", "latency:l4:min",
  "--constraint", "train_flops<=1e21", "--constraint", "memory_gb<=16", "--constraint", "latency:l4<=20", "--json",
];
const started = performance.now();
const result = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });
const seconds = (performance.now() - started) / 1000;
if (result.status !== 0) throw new Error(result.stderr);
interface Point { config: { layers: number; dModel: number; heads: number; kvHeads: number; vocab: number; tokens: number; ffn: string }; metrics: Record<string, number> }
const front = (JSON.parse(result.stdout.trim().split("\n").at(-1) as string) as { best: Point[] }).best.sort((a, b) => a.metrics.loss - b.metrics.loss);
console.log(`nascent ${args.join(" ")}\n${trials} trials, ${front.length} on the front, ${seconds.toFixed(2)} s wall (process start included)\n`);
console.log("| loss | L4 ms/token | shape | params | tokens | train FLOPs | memory GB |");
console.log("|---|---|---|---|---|---|---|");
for (const p of front) {
  const c = p.config;
  console.log(`| ${p.metrics.loss.toFixed(4)} | ${p.metrics["latency:l4"].toFixed(2)} | ${c.layers}x${c.dModel}, ${c.heads}h/${c.kvHeads}kv, ${c.ffn}, V=${c.vocab} | ${(p.metrics.params / 1e6).toFixed(0)}M | ${(c.tokens / 1e9).toFixed(1)}B | ${p.metrics.train_flops.toExponential(2)} | ${p.metrics.memory_gb.toFixed(2)} |`);
}
console.log(JSON.stringify({ seconds, trials: Number(trials), front: front.length }));
