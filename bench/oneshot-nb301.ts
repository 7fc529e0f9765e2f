/**
 * One-shot search in the DARTS space (NB301) on Fashion-MNIST, scored by the NB301 surrogate: for each saved
 * search (a `nascent oneshot --space nb301 --checkpoint-dir DIR` directory), its genotype's predicted CIFAR-10
 * accuracy (epoch 98) after every epoch, its parameter-free ops and alpha mass (the DARTS collapse), beside
 * 20 uniformly drawn genotypes and DARTS-V2's genotype (Liu et al. 2019; 0.929 on the surrogate).
 *
 *   node dist/bench/oneshot-nb301.js bench-out/nb301-darts-seed0 ... [--out docs/bench/oneshot-nb301.json]
 *     [--keep docs/bench/oneshot-nb301.json]   (carry that file's runs whose method and seed no DIR repeats)
 * SPOS/RSPS derive their genotype once, at the end: it is read from DIR.out, the run's `--json` output.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { DARTS_SUPERNET_OPS } from "../src/nn/builders/darts.js";
import { Nb301Evaluator } from "../src/evaluate/nb301.js";
import { Rng } from "../src/core/rng.js";
import { nb301Space, type Nb301Config } from "../src/space/builtin/nb301.js";
import type { EpochRecord } from "../src/oneshot/state.js";

const { values, positionals } = parseArgs({ allowPositionals: true, options: { out: { type: "string", default: "docs/bench/oneshot-nb301.json" }, random: { type: "string", default: "20" }, keep: { type: "string" } } });

/** DARTS-V2's genotype (Liu et al. 2019, its genotypes.py), inputs sorted per node. */
const DARTS_V2: Nb301Config = {
  normal: { nodes: [[{ input: 0, op: "sep_conv_3x3" }, { input: 1, op: "sep_conv_3x3" }], [{ input: 0, op: "sep_conv_3x3" }, { input: 1, op: "sep_conv_3x3" }], [{ input: 0, op: "skip_connect" }, { input: 1, op: "sep_conv_3x3" }], [{ input: 0, op: "skip_connect" }, { input: 2, op: "dil_conv_3x3" }]] },
  reduce: { nodes: [[{ input: 0, op: "max_pool_3x3" }, { input: 1, op: "max_pool_3x3" }], [{ input: 1, op: "max_pool_3x3" }, { input: 2, op: "skip_connect" }], [{ input: 0, op: "max_pool_3x3" }, { input: 2, op: "skip_connect" }], [{ input: 1, op: "max_pool_3x3" }, { input: 2, op: "skip_connect" }]] },
};
const PARAMETER_FREE = new Set(["none", "max_pool_3x3", "avg_pool_3x3", "skip_connect"]);
const freeOps = (config: Nb301Config, cell: "normal" | "reduce") => config[cell].nodes.flat().filter((e) => PARAMETER_FREE.has(e.op)).length;
const skips = (config: Nb301Config) => config.normal.nodes.flat().filter((e) => e.op === "skip_connect").length;
/** Mean softmax(alpha) mass of the parameter-free ops over the normal cell's 14 edges (null: SPOS/RSPS have no alpha). */
const freeMass = (h: EpochRecord): number | null => h.alphaSoftmax === null ? null : (h.alphaSoftmax as number[][]).slice(0, 14).reduce((s, row) => s + DARTS_SUPERNET_OPS.reduce((m, op, i) => m + (PARAMETER_FREE.has(op) ? row[i] : 0), 0), 0) / 14;

const evaluator = await Nb301Evaluator.load();
const score = async (configs: Nb301Config[]) => (await evaluator.predict(configs)).map((m) => m.accuracy);

interface Nb301Run {
  dir: string; method: string; seed: number; channels: number; cells: number; epochs: number; epochsDone: number; batchSize: number; dataset: string; trainImages: number; searchSeconds: number;
  key: string; nb301Accuracy: number; perEpoch: { epoch: number; nb301Accuracy: number | null; supernetAccuracy: number; normalFreeMass: number | null; trainLoss: number }[];
  normalParameterFree: number; reduceParameterFree: number; normalSkips: number;
}
const runs: Nb301Run[] = [];
for (const dir of positionals) {
  const state = JSON.parse(readFileSync(`${dir}/state.json`, "utf8")) as { history: EpochRecord[]; fingerprint: string; seconds: number };
  const [method, space, channels, cells, epochs, seed, batchSize, dataset, trainImages] = JSON.parse(state.fingerprint) as [string, string, number, number, number, number, number, string, number];
  if (space !== "nb301") throw new Error(`${dir}: a ${space} search, not nb301`);
  // SPOS and RSPS derive no genotype per epoch (they rank candidates once, at the end): theirs is the run's
  // final `--json` line, read from DIR.out.
  const finalLine = existsSync(`${dir}.out`) ? (JSON.parse(readFileSync(`${dir}.out`, "utf8").trim().split("\n").at(-1) as string) as { genotype: unknown }) : null;
  const genotypes = state.history.map((h) => (h.genotype === null ? null : nb301Space.validate(JSON.parse(h.genotype as string))));
  const final = genotypes.at(-1) ?? (finalLine ? nb301Space.validate(finalLine.genotype) : null);
  if (!final) throw new Error(`${dir}: no genotype in its epochs and no ${dir}.out with the run's final --json line`);
  // One surrogate call: every epoch's genotype (the final one standing in where an epoch has none), then the final.
  const accuracies = await score([...genotypes.map((g) => g ?? final), final]);
  const finalAccuracy = accuracies.pop() as number;
  runs.push({
    dir, method, seed, channels, cells, epochs, epochsDone: state.history.length, batchSize, dataset, trainImages, searchSeconds: state.seconds,
    key: nb301Space.key(final), nb301Accuracy: finalAccuracy, perEpoch: state.history.map((h, i) => ({ epoch: h.epoch, nb301Accuracy: genotypes[i] === null ? null : accuracies[i], supernetAccuracy: h.supernetAccuracy, normalFreeMass: freeMass(h), trainLoss: h.trainLoss })),
    normalParameterFree: freeOps(final, "normal"), reduceParameterFree: freeOps(final, "reduce"), normalSkips: skips(final),
  });
}
if (positionals.length === 0 && !values.keep) throw new Error("give search directories (nascent oneshot --space nb301 --checkpoint-dir DIR) and/or --keep FILE");
if (values.keep) {
  const kept = (JSON.parse(readFileSync(values.keep, "utf8")) as { runs: Nb301Run[] }).runs;
  runs.unshift(...kept.filter((k) => !runs.some((r) => r.method === k.method && r.seed === k.seed)));
}
const rng = Rng.derive("nb301 random genotypes", 0);
const randomConfigs = Array.from({ length: Number(values.random) }, () => nb301Space.sample(rng));
const randomAccuracies = await score(randomConfigs);
const [dartsV2] = await score([DARTS_V2]);
const sorted = [...randomAccuracies].sort((a, b) => a - b);
const median = (sorted[(sorted.length - 1) >> 1] + sorted[sorted.length >> 1]) / 2;
const random = { count: sorted.length, median, min: sorted[0], max: sorted[sorted.length - 1], accuracies: randomAccuracies, normalParameterFree: randomConfigs.map((c) => freeOps(c, "normal")) };
writeFileSync(values.out as string, `${JSON.stringify({ runs, random, dartsV2: { key: nb301Space.key(DARTS_V2), nb301Accuracy: dartsV2 } }, null, 1)}\n`);
await evaluator.close();

console.log("| method | seed | NB301 acc | epochs | search s | supernet acc | param-free ops normal / reduce (of 8) | skips in normal | normal param-free alpha mass | above random median |\n|---|---|---|---|---|---|---|---|---|---|");
for (const r of runs) {
  const e = r.perEpoch[r.perEpoch.length - 1];
  console.log(`| ${r.method} | ${r.seed} | ${r.nb301Accuracy.toFixed(4)} | ${r.epochsDone} | ${r.searchSeconds.toFixed(0)} | ${e.supernetAccuracy?.toFixed(3) ?? "-"} | ${r.normalParameterFree} / ${r.reduceParameterFree} | ${r.normalSkips} | ${e.normalFreeMass?.toFixed(4) ?? "-"} | ${r.nb301Accuracy > median ? "yes" : "no"} |`);
}
console.log(`\n${random.count} random genotypes: median ${median.toFixed(4)}, min ${random.min.toFixed(4)}, max ${random.max.toFixed(4)}; DARTS-V2 ${dartsV2.toFixed(4)}`);
console.log("\n| method | seed | NB301 acc per epoch |\n|---|---|---|");
for (const r of runs) console.log(`| ${r.method} | ${r.seed} | ${r.perEpoch.map((e) => e.nb301Accuracy?.toFixed(4) ?? "-").join(", ")} |`);
