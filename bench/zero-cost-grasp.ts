/**
 * Why grasp ranks NB201 cells as it does: its per-layer terms -θ_lᵀ(Hg)_l (`graspPerLayer`) split into the
 * convs followed by BatchNorm, whose terms are ‖g_l‖² by scale invariance, and the other weights (the
 * classifier, the reduction blocks' shortcut convs), each group's Spearman with CIFAR-10 accuracy over the
 * first cells of bench/zero-cost-proxies.ts's random set, on the same batch and weights.
 *
 *   NASCENT_THREADS=1 node dist/bench/zero-cost-grasp.js [--archs 40] [--out docs/bench/zero-cost-grasp.json]
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { nb201Table } from "../src/evaluate/nb201.js";
import { nb201Network } from "../src/nn/builders/nb201.js";
import { lowerNetwork } from "../src/nn/graph/lower.js";
import { graspPerLayer } from "../src/predict/zero-cost/grasp.js";
import { gaussianBatch } from "../src/predict/zero-cost/saliency.js";
import { spearman } from "../src/predict/zero-cost/rank.js";
import { nb201Space } from "../src/space/builtin/nb201.js";
import { Rng } from "../src/core/rng.js";
import { randomNb201Cells } from "./zero-cost-cells.js";

const { values } = parseArgs({ options: { archs: { type: "string", default: "40" }, out: { type: "string", default: "docs/bench/zero-cost-grasp.json" } } });
const table = nb201Table();
const [archColumn, c10] = ["arch", "c10_test"].map((c) => table.columnIndex(c));
const accuracy = new Map(table.rows.map((row) => [row[archColumn], Number(row[c10])]));
const wanted = randomNb201Cells(Number(values.archs));
const rows: { arch: string; accuracy: number; normalized: number; other: number; total: number }[] = [];
for (const [i, key] of wanted.entries()) {
  const config = nb201Space.validate({ edges: key.split("+").flatMap((part) => part.split("|").filter(Boolean).map((op) => op.split("~")[0])) });
  const network = nb201Network(config, 10);
  const graph = lowerNetwork(network, [32, 32, 3]);
  // A conv's weight is scale-invariant when the conv's output feeds a BatchNorm.
  const normalized = new Set(
    graph.nodes.flatMap((node, id) => {
      if (node.op !== "conv2d") return [];
      const weight = graph.nodes[node.inputs[1]];
      const feedsNorm = graph.nodes.some((other) => other.op === "batchNorm" && other.inputs[0] === id);
      return feedsNorm && weight.op === "param" ? [weight.name] : [];
    }),
  );
  const terms = await graspPerLayer(network, gaussianBatch(64, [32, 32, 3], 10, Rng.derive("zc-batch", key)), Rng.derive("zc-weights", key));
  const sum = (keep: (name: string) => boolean) => Object.entries(terms).reduce((s, [name, v]) => s + (keep(name) ? v : 0), 0);
  rows.push({ arch: key, accuracy: accuracy.get(key)!, normalized: sum((n) => normalized.has(n)), other: sum((n) => !normalized.has(n)), total: sum(() => true) });
  process.stderr.write(`${i + 1}/${wanted.length}\n`);
}
const acc = rows.map((r) => r.accuracy);
const summary = Object.fromEntries((["normalized", "other", "total"] as const).map((k) => [k, spearman(rows.map((r) => r[k]), acc)]));
console.log(JSON.stringify(summary));
writeFileSync(values.out!, JSON.stringify({ input: "N(0, 1) images, random labels, batch 64", spearmanC10: summary, rows }, null, 2) + "\n");
