/**
 * synflow over random NAS-Bench-201 cells: Spearman with CIFAR-10 test accuracy (NASLib reports 0.74 over
 * the whole space). Results are appended to a JSONL cache as they come, so a long run can stop and resume.
 *
 *   node dist/bench/zero-cost-random.js [--archs 1000] [--seed 0] [--cache docs/bench/synflow-nb201.jsonl]
 */
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { nb201Table } from "../src/evaluate/nb201.js";
import { nb201Network } from "../src/nn/builders/nb201.js";
import { loadEngine } from "../src/nn/engine/index.js";
import { synflow } from "../src/predict/zero-cost/synflow.js";
import { spearman } from "../src/predict/zero-cost/rank.js";
import { nb201Space } from "../src/space/builtin/nb201.js";
import { Rng } from "../src/core/rng.js";
import { randomNb201Cells } from "./zero-cost-cells.js";

const { values } = parseArgs({ options: { archs: { type: "string", default: "1000" }, seed: { type: "string", default: "0" }, cache: { type: "string", default: "docs/bench/synflow-nb201.jsonl" } } });
const table = nb201Table();
const accuracy = new Map<string, number>();
const arch = table.columnIndex("arch");
const c10 = table.columnIndex("c10_test");
for (const row of table.rows) accuracy.set(row[arch], Number(row[c10]));
const wanted = randomNb201Cells(Number(values.archs), Number(values.seed));
const done = new Map<string, { synflow: number; seconds: number }>();
if (existsSync(values.cache!)) for (const line of readFileSync(values.cache!, "utf8").split("\n").filter(Boolean)) {
  const r = JSON.parse(line) as { arch: string; synflow: number; seconds: number };
  done.set(r.arch, r);
}
await loadEngine();
for (const key of wanted) {
  if (done.has(key)) continue;
  const config = nb201Space.validate({ edges: key.split("+").flatMap((part) => part.split("|").filter(Boolean).map((op) => op.split("~")[0])) });
  const started = performance.now();
  const score = await synflow(nb201Network(config, 10), [32, 32, 3], Rng.derive("synflow", key));
  const record = { arch: key, synflow: score, seconds: (performance.now() - started) / 1000 };
  appendFileSync(values.cache!, JSON.stringify(record) + "\n");
  done.set(key, record);
  process.stderr.write(`${done.size}/${wanted.length} ${score.toExponential(3)} ${record.seconds.toFixed(1)} s\n`);
}
const measured = wanted.filter((k) => done.has(k));
const rho = spearman(measured.map((k) => done.get(k)!.synflow), measured.map((k) => accuracy.get(k)!));
const seconds = measured.reduce((a, k) => a + done.get(k)!.seconds, 0) / measured.length;
console.log(`synflow over ${measured.length} random NB201 cells: Spearman with CIFAR-10 test accuracy ${rho.toFixed(3)} (NASLib 0.74); ${seconds.toFixed(1)} s per arch`);
writeFileSync(values.cache!.replace(/\.jsonl$/, ".json"), JSON.stringify({ archs: measured.length, spearmanWithC10Test: rho, secondsPerArch: seconds }, null, 2) + "\n");
