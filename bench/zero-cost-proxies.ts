/**
 * Every zero-cost proxy over the same random NAS-Bench-201 cells as bench/zero-cost-random.ts (seed 0):
 * Spearman with CIFAR-10 and CIFAR-100 test accuracy and seconds per architecture, on the default engine.
 * Data-dependent proxies run on a batch of 64 N(0, 1) images (Zen-score: its own 16) with random labels (no CIFAR images ship with
 * nascent). Results are appended to a JSONL cache per cell, so a long run resumes where it stopped; synflow
 * is read from bench/zero-cost-random.ts's cache.
 *
 *   NASCENT_THREADS=1 node dist/bench/zero-cost-proxies.js [--archs 1000] [--proxies snip,grad_norm,...] [--minutes M]
 *
 * --minutes stops computing after M minutes and summarizes the cells measured so far (per proxy);
 * --summary-only computes nothing (another process may be filling the cache).
 */
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { nb201Table } from "../src/evaluate/nb201.js";
import { nb201Network } from "../src/nn/builders/nb201.js";
import { loadEngine } from "../src/nn/engine/index.js";
import { naswot } from "../src/predict/zero-cost/naswot.js";
import { gaussianBatch, jacobCov, saliency } from "../src/predict/zero-cost/saliency.js";
import { grasp } from "../src/predict/zero-cost/grasp.js";
import { fisher } from "../src/predict/zero-cost/fisher.js";
import { zenScore } from "../src/predict/zero-cost/zen.js";
import { majorityVote, spearman } from "../src/predict/zero-cost/rank.js";
import { copelandScore } from "../src/predict/zero-cost/vote.js";
import { nb201Space } from "../src/space/builtin/nb201.js";
import { Rng } from "../src/core/rng.js";
import { randomNb201Cells } from "./zero-cost-cells.js";

const { values } = parseArgs({
  options: {
    archs: { type: "string", default: "1000" },
    proxies: { type: "string", default: "grasp,fisher,zen,naswot,snip,jacob_cov" },
    cache: { type: "string", default: "docs/bench/zero-cost-nb201.jsonl" },
    synflow: { type: "string", default: "docs/bench/synflow-nb201.jsonl" },
    out: { type: "string", default: "docs/bench/zero-cost-nb201.json" },
    minutes: { type: "string", default: "Infinity" },
    "summary-only": { type: "boolean", default: false },
  },
});
const proxies = values.proxies!.split(",");
const table = nb201Table();
const [arch, c10, c100] = ["arch", "c10_test", "c100_test"].map((c) => table.columnIndex(c));
const flopsColumn = table.columnIndex("flops_c10_M");
const flopsOf = new Map(table.rows.map((row) => [row[arch], Number(row[flopsColumn])]));
const accuracy = new Map(table.rows.map((row) => [row[arch], { c10: Number(row[c10]), c100: Number(row[c100]) }]));
const wanted = randomNb201Cells(Number(values.archs));

type Record_ = { arch: string; proxy: string; value: number; seconds: number };
const done = new Map<string, Record_>();
const read = (path: string, parse: (r: Record<string, unknown>) => Record_) => {
  if (existsSync(path)) for (const line of readFileSync(path, "utf8").split("\n").filter(Boolean)) {
    const r = parse(JSON.parse(line) as Record<string, unknown>);
    done.set(`${r.proxy} ${r.arch}`, r);
  }
};
read(values.synflow!, (r) => ({ arch: r.arch as string, proxy: "synflow", value: r.synflow as number, seconds: r.seconds as number }));
// JSON stores -Infinity (a zeroed BatchNorm input, a singular NASWOT kernel) as null; NASLib scores it -1e8.
read(values.cache!, (r) => ({ ...(r as unknown as Record_), value: typeof r.value === "number" && Number.isFinite(r.value) ? r.value : -1e8 }));

await loadEngine();
const BATCH = 64;
const deadline = Date.now() + Number(values.minutes) * 60_000;
for (const [i, key] of wanted.entries()) {
  if (values["summary-only"] || Date.now() > deadline) break;
  const config = nb201Space.validate({ edges: key.split("+").flatMap((part) => part.split("|").filter(Boolean).map((op) => op.split("~")[0])) });
  const network = nb201Network(config, 10);
  const batch = gaussianBatch(BATCH, [32, 32, 3], 10, Rng.derive("zc-batch", key));
  for (const proxy of proxies) {
    if (done.has(`${proxy} ${key}`)) continue;
    if (proxy === "grad_norm" && done.has(`snip ${key}`)) continue;
    const weights = Rng.derive("zc-weights", key);
    const started = performance.now();
    const found: [string, number][] = [];
    if (proxy === "naswot") found.push([proxy, await naswot(network, batch, weights)]);
    else if (proxy === "jacob_cov") found.push([proxy, await jacobCov(network, batch, weights)]);
    else if (proxy === "grasp") found.push([proxy, await grasp(network, batch, weights)]);
    else if (proxy === "fisher") found.push([proxy, await fisher(network, batch, weights)]);
    else if (proxy === "zen") found.push([proxy, await zenScore(network, [32, 32, 3], weights)]);
    else if (proxy === "snip" || proxy === "grad_norm") {
      const { snip, gradNorm } = await saliency(network, batch, weights);
      found.push(["snip", snip], ["grad_norm", gradNorm]);
    } else throw new Error(`unknown proxy ${proxy}`);
    const seconds = (performance.now() - started) / 1000;
    for (const [name, value] of found) {
      const record = { arch: key, proxy: name, value, seconds };
      appendFileSync(values.cache!, JSON.stringify(record) + "\n");
      done.set(`${name} ${key}`, record);
    }
  }
  process.stderr.write(`${i + 1}/${wanted.length}\n`);
}

const summarized = ["synflow", ...proxies.flatMap((p) => (p === "snip" ? ["snip", "grad_norm"] : p === "synflow" ? [] : [p]))];
const rows = summarized.map((proxy) => {
  const measured = wanted.filter((k) => done.has(`${proxy} ${k}`));
  const scores = measured.map((k) => done.get(`${proxy} ${k}`)!.value);
  const seconds = measured.reduce((s, k) => s + done.get(`${proxy} ${k}`)!.seconds, 0) / measured.length;
  return {
    proxy,
    archs: measured.length,
    spearmanC10: spearman(scores, measured.map((k) => accuracy.get(k)!.c10)),
    spearmanC100: spearman(scores, measured.map((k) => accuracy.get(k)!.c100)),
    secondsPerArch: seconds,
  };
});
// synflow on exactly the cells every other proxy reached, for a like-for-like comparison.
const common = wanted.filter((k) => summarized.every((p) => done.has(`${p} ${k}`)));
if (common.length > 2) {
  const flow = common.map((k) => done.get(`synflow ${k}`)!.value);
  const flops = common.map((k) => flopsOf.get(k)!);
  rows.push({ proxy: "FLOPs (free), on the cells every proxy reached", archs: common.length, spearmanC10: spearman(flops, common.map((k) => accuracy.get(k)!.c10)), spearmanC100: spearman(flops, common.map((k) => accuracy.get(k)!.c100)), secondsPerArch: 0 });
  rows.push({ proxy: "synflow, on the cells every proxy reached", archs: common.length, spearmanC10: spearman(flow, common.map((k) => accuracy.get(k)!.c10)), spearmanC100: spearman(flow, common.map((k) => accuracy.get(k)!.c100)), secondsPerArch: NaN });
}
// Abdelfattah et al.'s vote of synflow, jacob_cov and snip, over the cells all three scored.
const voters = ["synflow", "jacob_cov", "snip"];
const voted = wanted.filter((k) => voters.every((p) => done.has(`${p} ${k}`)));
if (voted.length > 2) {
  const wins = majorityVote(voters.map((p) => voted.map((k) => done.get(`${p} ${k}`)!.value)));
  const seconds = voted.reduce((s, k) => s + voters.reduce((t, p) => t + done.get(`${p} ${k}`)!.seconds, 0), 0) / voted.length;
  rows.push({ proxy: "vote (synflow, jacob_cov, snip)", archs: voted.length, spearmanC10: spearman(wins, voted.map((k) => accuracy.get(k)!.c10)), spearmanC100: spearman(wins, voted.map((k) => accuracy.get(k)!.c100)), secondsPerArch: seconds });
}
// zc:vote's form: each cell's Copeland score against a fixed reference pool (the first 50 cells the three
// voters scored), over the other cells; each query costs its own three proxies.
const POOL = 50;
if (voted.length > POOL + 2) {
  const row = (k: string) => voters.map((p) => done.get(`${p} ${k}`)!.value);
  const pool = voted.slice(0, POOL).map(row);
  const rest = voted.slice(POOL);
  const wins = rest.map((k) => copelandScore(row(k), pool));
  const seconds = rest.reduce((s, k) => s + voters.reduce((t, p) => t + done.get(`${p} ${k}`)!.seconds, 0), 0) / rest.length;
  rows.push({ proxy: `zc:vote (against a ${POOL}-cell reference pool)`, archs: rest.length, spearmanC10: spearman(wins, rest.map((k) => accuracy.get(k)!.c10)), spearmanC100: spearman(wins, rest.map((k) => accuracy.get(k)!.c100)), secondsPerArch: seconds });
}
console.log("| proxy | cells | Spearman CIFAR-10 | Spearman CIFAR-100 | s / cell |\n|---|---|---|---|---|");
for (const r of rows) console.log(`| ${r.proxy} | ${r.archs} | ${r.spearmanC10.toFixed(3)} | ${r.spearmanC100.toFixed(3)} | ${r.secondsPerArch.toFixed(2)} |`);
writeFileSync(values.out!, JSON.stringify({ input: "N(0, 1) images, random labels, batch 64", rows }, null, 2) + "\n");
