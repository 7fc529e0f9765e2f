/**
 * synflow computed by nascent (default engine) on NAS-Bench-201 cells of NASLib's NAS-Bench-Suite-Zero subset
 * (CIFAR-10 rows): Spearman with NASLib's synflow values and with accuracy, and seconds per architecture.
 *
 *   node dist/bench/zero-cost.js --data ../shared/data/nb201/nb201_zero_cost_subset.csv [--archs 30]
 */
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { parse } from "csv-parse/sync";
import { loadEngine } from "../src/nn/engine/index.js";
import { nb201Network } from "../src/nn/builders/nb201.js";
import { synflow } from "../src/predict/zero-cost/synflow.js";
import { spearman } from "../src/predict/zero-cost/rank.js";
import { nb201Space } from "../src/space/builtin/nb201.js";
import { Rng } from "../src/core/rng.js";

const { values } = parseArgs({ options: { data: { type: "string", default: "../shared/data/nb201/nb201_zero_cost_subset.csv" }, archs: { type: "string", default: "30" }, out: { type: "string", default: "docs/bench/zero-cost.json" } } });
const rows = (parse(readFileSync(values.data!), { columns: true }) as Record<string, string>[]).filter((r) => r.dataset === "cifar10").slice(0, Number(values.archs));
await loadEngine();

const ours: number[] = [];
const started = performance.now();
for (const [i, row] of rows.entries()) {
  const config = nb201Space.validate({ edges: row.arch.split("+").flatMap((part) => part.split("|").filter(Boolean).map((op) => op.split("~")[0])) });
  ours.push(await synflow(nb201Network(config, 10), [32, 32, 3], Rng.derive("synflow", row.arch)));
  process.stderr.write(`${i + 1}/${rows.length} ${row.arch} ${ours.at(-1)!.toExponential(3)}\n`);
}
const seconds = (performance.now() - started) / 1000 / rows.length;
const naslib = rows.map((r) => Number(r.synflow));
const accuracy = rows.map((r) => Number(r.val_accuracy));
const result = { archs: rows.length, spearmanWithNaslib: spearman(ours, naslib), spearmanWithAccuracy: spearman(ours, accuracy), naslibSpearmanWithAccuracy: spearman(naslib, accuracy), secondsPerArch: seconds };
console.log(`synflow on ${rows.length} NB201 CIFAR-10 cells (shared 2-core machine)`);
console.log(`Spearman with NASLib's synflow ${result.spearmanWithNaslib.toFixed(3)}; with accuracy ${result.spearmanWithAccuracy.toFixed(3)} (NASLib's values: ${result.naslibSpearmanWithAccuracy.toFixed(3)}); ${seconds.toFixed(1)} s per arch`);
writeFileSync(values.out!, JSON.stringify({ ...result, synflow: ours, arch: rows.map((r) => r.arch) }, null, 2) + "\n");
