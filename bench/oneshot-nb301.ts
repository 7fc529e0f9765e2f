/**
 * One-shot search in the DARTS space (NB301) on Fashion-MNIST, scored by the NB301 surrogate: for each saved
 * search (a `nascent oneshot --space nb301 --checkpoint-dir DIR` directory), its genotype's predicted CIFAR-10
 * accuracy (epoch 98) after every epoch, its parameter-free ops and alpha mass (the DARTS collapse), beside
 * 20 uniformly drawn genotypes and DARTS-V2's genotype (Liu et al. 2019; 0.929 on the surrogate).
 *
 *   node dist/bench/oneshot-nb301.js bench-out/nb301-darts-seed0 ... [--out docs/bench/oneshot-nb301.json]
 */
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { DARTS_SUPERNET_OPS } from "../src/nn/builders/darts.js";
import { Nb301Evaluator } from "../src/evaluate/nb301.js";
import { Rng } from "../src/core/rng.js";
import { nb301Space, type Nb301Config } from "../src/space/builtin/nb301.js";
import type { EpochRecord } from "../src/oneshot/state.js";

const { values, positionals } = parseArgs({ allowPositionals: true, options: { out: { type: "string", default: "docs/bench/oneshot-nb301.json" }, random: { type: "string", default: "20" } } });

/** DARTS-V2's genotype (Liu et al. 2019, its genotypes.py), inputs sorted per node. */
const DARTS_V2: Nb301Config = {
  normal: { nodes: [[{ input: 0, op: "sep_conv_3x3" }, { input: 1, op: "sep_conv_3x3" }], [{ input: 0, op: "sep_conv_3x3" }, { input: 1, op: "sep_conv_3x3" }], [{ input: 0, op: "skip_connect" }, { input: 1, op: "sep_conv_3x3" }], [{ input: 0, op: "skip_connect" }, { input: 2, op: "dil_conv_3x3" }]] },
  reduce: { nodes: [[{ input: 0, op: "max_pool_3x3" }, { input: 1, op: "max_pool_3x3" }], [{ input: 1, op: "max_pool_3x3" }, { input: 2, op: "skip_connect" }], [{ input: 0, op: "max_pool_3x3" }, { input: 2, op: "skip_connect" }], [{ input: 1, op: "max_pool_3x3" }, { input: 2, op: "skip_connect" }]] },
};
const PARAMETER_FREE = new Set(["none", "max_pool_3x3", "avg_pool_3x3", "skip_connect"]);
const freeOps = (config: Nb301Config, cell: "normal" | "reduce") => config[cell].nodes.flat().filter((e) => PARAMETER_FREE.has(e.op)).length;
const skips = (config: Nb301Config) => config.normal.nodes.flat().filter((e) => e.op === "skip_connect").length;
/** Mean softmax(alpha) mass of the parameter-free ops over the normal cell's 14 edges. */
const freeMass = (h: EpochRecord) => (h.alphaSoftmax as number[][]).slice(0, 14).reduce((s, row) => s + DARTS_SUPERNET_OPS.reduce((m, op, i) => m + (PARAMETER_FREE.has(op) ? row[i] : 0), 0), 0) / 14;

const evaluator = await Nb301Evaluator.load();
const score = async (configs: Nb301Config[]) => (await evaluator.predict(configs)).map((m) => m.accuracy);

const runs = [];
for (const dir of positionals) {
  const state = JSON.parse(readFileSync(`${dir}/state.json`, "utf8")) as { history: EpochRecord[]; fingerprint: string; seconds: number };
  const [method, space, channels, cells, epochs, seed, batchSize, dataset, trainImages] = JSON.parse(state.fingerprint) as [string, string, number, number, number, number, number, string, number];
  if (space !== "nb301") throw new Error(`${dir}: a ${space} search, not nb301`);
  const genotypes = state.history.map((h) => nb301Space.validate(JSON.parse(h.genotype as string)));
  const accuracies = await score(genotypes);
  const last = genotypes[genotypes.length - 1];
  runs.push({
    dir, method, seed, channels, cells, epochs, epochsDone: state.history.length, batchSize, dataset, trainImages, searchSeconds: state.seconds,
    key: nb301Space.key(last), nb301Accuracy: accuracies[accuracies.length - 1], perEpoch: state.history.map((h, i) => ({ epoch: h.epoch, nb301Accuracy: accuracies[i], supernetAccuracy: h.supernetAccuracy, normalFreeMass: freeMass(h), trainLoss: h.trainLoss })),
    normalParameterFree: freeOps(last, "normal"), reduceParameterFree: freeOps(last, "reduce"), normalSkips: skips(last),
  });
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
  console.log(`| ${r.method} | ${r.seed} | ${r.nb301Accuracy.toFixed(4)} | ${r.epochsDone} | ${r.searchSeconds.toFixed(0)} | ${e.supernetAccuracy.toFixed(3)} | ${r.normalParameterFree} / ${r.reduceParameterFree} | ${r.normalSkips} | ${e.normalFreeMass.toFixed(4)} | ${r.nb301Accuracy > median ? "yes" : "no"} |`);
}
console.log(`\n20 random genotypes: median ${median.toFixed(4)}, min ${random.min.toFixed(4)}, max ${random.max.toFixed(4)}; DARTS-V2 ${dartsV2.toFixed(4)}`);
console.log("\n| method | seed | NB301 acc per epoch |\n|---|---|---|");
for (const r of runs) console.log(`| ${r.method} | ${r.seed} | ${r.perEpoch.map((e) => e.nb301Accuracy.toFixed(4)).join(", ")} |`);
