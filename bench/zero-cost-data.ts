/**
 * Zero-cost proxies on real images against N(0, 1) noise, on the same cells and the same weights:
 *
 *  1. the first --archs cells of bench/zero-cost-random.ts's random NB201 set (seed 0): snip, jacob_cov,
 *     naswot and synflow of the full NB201 network (C = 16, 5 cells per stage) on a batch of 64 N(0, 1)
 *     CIFAR-shaped images with random labels (what `zc:NAME` does without a dataset) and on 64
 *     Fashion-MNIST training images with their labels (the network built for 28x28x1, 10 classes: what
 *     `zc:NAME:fashion-mnist` does); Spearman of each with NB201's CIFAR-10 test accuracy. Fashion-MNIST
 *     is not CIFAR-10: the ranking target comes from another dataset than the images.
 *  2. the 21 cells docs/bench/oneshot-ranking.json trained standalone on Fashion-MNIST (C = 8, 1 cell per
 *     stage, 2 epochs on 5,000 images): the same proxies of those networks on N(0, 1) noise and on
 *     Fashion-MNIST (both at 28x28x1), Spearman with their standalone test and validation accuracy.
 *
 * Weights Rng.derive("zc-weights", key) and batches Rng.derive("zc-batch", key) as bench/zero-cost-proxies.ts,
 * so only the input differs between the two columns.
 *
 *   NASCENT_THREADS=1 node dist/bench/zero-cost-data.js [--archs 100] [--out docs/bench/zero-cost-data.json]
 */
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { nb201Table } from "../src/evaluate/nb201.js";
import { nb201Network } from "../src/nn/builders/nb201.js";
import { loadFashionMnist } from "../src/nn/data/fashion-mnist.js";
import { loadEngine } from "../src/nn/engine/index.js";
import type { Layer, Shape } from "../src/nn/layers.js";
import { dataBatch } from "../src/predict/zero-cost/data-batch.js";
import { naswot } from "../src/predict/zero-cost/naswot.js";
import { spearman } from "../src/predict/zero-cost/rank.js";
import { gaussianBatch, jacobCov, saliency, type ProxyBatch } from "../src/predict/zero-cost/saliency.js";
import { synflow } from "../src/predict/zero-cost/synflow.js";
import { nb201Space } from "../src/space/builtin/nb201.js";
import { Rng } from "../src/core/rng.js";
import { randomNb201Cells } from "./zero-cost-cells.js";

const { values } = parseArgs({ options: { archs: { type: "string", default: "100" }, out: { type: "string", default: "docs/bench/zero-cost-data.json" } } });
const PROXIES = ["snip", "jacob_cov", "naswot", "synflow"] as const;
type Scores = Record<(typeof PROXIES)[number], number>;

const engine = await loadEngine();
const train = loadFashionMnist().train;

/** Each proxy of one network on one batch (synflow: the all-ones input of the batch's shape), with its seconds. */
async function score(network: Layer, batch: ProxyBatch, key: string): Promise<{ scores: Scores; seconds: Scores }> {
  const weights = () => Rng.derive("zc-weights", key);
  const scores = {} as Scores;
  const seconds = {} as Scores;
  const timed = async (proxy: (typeof PROXIES)[number], run: () => Promise<number>) => {
    const started = performance.now();
    const value = await run();
    seconds[proxy] = (performance.now() - started) / 1000;
    scores[proxy] = Number.isFinite(value) ? value : -1e8; // NASLib's score for a non-finite value
  };
  await timed("snip", async () => (await saliency(network, batch, weights(), engine)).snip);
  await timed("jacob_cov", () => jacobCov(network, batch, weights(), engine));
  await timed("naswot", () => naswot(network, batch, weights(), engine));
  await timed("synflow", () => synflow(network, batch.shape as Shape, weights(), engine));
  return { scores, seconds };
}

const inputs = {
  gaussian: (key: string, shape: Shape) => gaussianBatch(64, shape, 10, Rng.derive("zc-batch", key)),
  fashionMnist: (key: string, shape: Shape) => dataBatch(train, 64, Rng.derive("zc-batch", key), shape),
};
type Input = keyof typeof inputs;

async function measure(cells: { key: string; network: Layer; gaussianShape: Shape }[], label: string) {
  const rows: { key: string; gaussian: Awaited<ReturnType<typeof score>>; fashionMnist: Awaited<ReturnType<typeof score>> }[] = [];
  for (const [i, cell] of cells.entries()) {
    const gaussian = await score(cell.network, inputs.gaussian(cell.key, cell.gaussianShape), cell.key);
    const fashionMnist = await score(cell.network, inputs.fashionMnist(cell.key, [28, 28, 1]), cell.key);
    rows.push({ key: cell.key, gaussian, fashionMnist });
    process.stderr.write(`${label} ${i + 1}/${cells.length}\n`);
  }
  return rows;
}

function summary<T extends string>(rows: Awaited<ReturnType<typeof measure>>, targets: Record<T, number[]>) {
  return PROXIES.flatMap((proxy) =>
    (["gaussian", "fashionMnist"] as Input[]).map((input) => ({
      proxy,
      input,
      ...(Object.fromEntries(Object.entries<number[]>(targets).map(([name, target]) => [name, spearman(rows.map((r) => r[input].scores[proxy]), target)])) as Record<T, number>),
      secondsPerCell: rows.reduce((s, r) => s + r[input].seconds[proxy], 0) / rows.length,
    })),
  );
}

// 1. Random NB201 cells, full-size network.
const table = nb201Table();
const [archColumn, c10Column] = ["arch", "c10_test"].map((c) => table.columnIndex(c));
const c10 = new Map(table.rows.map((row) => [row[archColumn], Number(row[c10Column])]));
const keys = randomNb201Cells(Number(values.archs));
const random = await measure(
  keys.map((key) => ({ key, network: nb201Network(nb201Space.parse(key), 10), gaussianShape: [32, 32, 3] })),
  "nb201",
);
const randomSummary = summary(random, { spearmanCifar10: keys.map((k) => c10.get(k)!) });

// 2. The cells trained standalone on Fashion-MNIST, as they were trained (C = 8, 1 cell per stage).
type Trained = { key: string; standaloneTest: number; standaloneValidation: number; nb201Cifar10: number };
const ranking = JSON.parse(readFileSync("docs/bench/oneshot-ranking.json", "utf8")) as { settings: Record<string, string>; cells: Trained[]; largest: Trained };
const trained = [...ranking.cells, ranking.largest];
const small = await measure(
  trained.map((c) => ({ key: c.key, network: nb201Network(nb201Space.parse(c.key), 10, { channels: Number(ranking.settings.channels), cellsPerStage: Number(ranking.settings.cells) }), gaussianShape: [28, 28, 1] })),
  "standalone",
);
const smallSummary = summary(small, {
  spearmanStandaloneTest: trained.map((c) => c.standaloneTest),
  spearmanStandaloneValidation: trained.map((c) => c.standaloneValidation),
  spearmanNb201Cifar10: trained.map((c) => c.nb201Cifar10),
});

const f = (x: number) => x.toFixed(3);
console.log(`\n${keys.length} random NB201 cells (full network), Spearman with NB201 CIFAR-10 test accuracy\n| proxy | N(0, 1), 32x32x3 | Fashion-MNIST, 28x28x1 | s / cell (N(0, 1) / F-MNIST) |\n|---|---|---|---|`);
for (const proxy of PROXIES) {
  const [g, m] = randomSummary.filter((r) => r.proxy === proxy);
  console.log(`| ${proxy} | ${f(g.spearmanCifar10)} | ${f(m.spearmanCifar10)} | ${g.secondsPerCell.toFixed(2)} / ${m.secondsPerCell.toFixed(2)} |`);
}
console.log(`\n${trained.length} cells trained standalone on Fashion-MNIST (C = 8, 1 cell per stage), Spearman with standalone test accuracy\n| proxy | N(0, 1), 28x28x1 | Fashion-MNIST | (validation: N(0, 1) / F-MNIST) |\n|---|---|---|---|`);
for (const proxy of PROXIES) {
  const [g, m] = smallSummary.filter((r) => r.proxy === proxy);
  console.log(`| ${proxy} | ${f(g.spearmanStandaloneTest)} | ${f(m.spearmanStandaloneTest)} | ${f(g.spearmanStandaloneValidation)} / ${f(m.spearmanStandaloneValidation)} |`);
}
const reference = spearman(trained.map((c) => c.nb201Cifar10), trained.map((c) => c.standaloneTest));
console.log(`(NB201 CIFAR-10 accuracy itself against the standalone test accuracy: ${f(reference)})`);
writeFileSync(
  values.out!,
  JSON.stringify({ settings: { archs: keys.length, batch: 64, engine: engine.name, threads: process.env.NASCENT_THREADS ?? "all" }, random: { summary: randomSummary, cells: random }, standalone: { summary: smallSummary, nb201VsStandaloneTest: reference, cells: small } }, null, 1) + "\n",
);
