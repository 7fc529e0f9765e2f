/**
 * Does asking for a trial cost more as a study grows? Fills SQLite studies with N finished trials
 * (through the storage, fast), then times ask + tell of random search on the DARTS space (NB201 has only
 * 15,625 cells: at 100,000 trials random search would be timing its search for an unseen one) in one process, at N = 1,000 and
 * N = 100,000 in the same run (the ratio is what matters on a shared machine). Writes
 * bench/results/ask-cost.json and prints a table. Run: npm run build && node dist/bench/ask-cost.js [N...]
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Rng } from "../src/core/rng.js";
import { nb301Space } from "../src/space/builtin/nb301.js";
import { SqliteStorage } from "../src/storage/sqlite.js";
import { randomSearch } from "../src/strategy/random.js";
import { Study } from "../src/study/study.js";

const SIZES = process.argv.slice(2).map(Number).filter((n) => n > 0);
const TIMED = 2000;
const WARMUP = 200;

async function measure(size: number): Promise<{ size: number; fillSeconds: number; openSeconds: number; askMs: number; tellMs: number }> {
  const dir = mkdtempSync(join(tmpdir(), "nascent-ask-cost-"));
  const storage = new SqliteStorage(join(dir, "study.db"));
  const study = await Study.open({ storage, name: "cost", space: nb301Space, strategy: randomSearch(), objectives: [{ metric: "accuracy", direction: "maximize" }], seed: 1 });
  const rng = Rng.derive("fill", size);
  let started = performance.now();
  for (let n = 0; n < size; n++) {
    const config = nb301Space.sample(rng);
    await storage.createTrial(study.id, { number: n, config, key: nb301Space.key(config), note: null, worker: "fill", leaseMs: 60_000 });
    await storage.finishTrial(study.id, n, { state: "complete", values: [rng.float()], metrics: { accuracy: 0 } });
  }
  const fillSeconds = (performance.now() - started) / 1000;
  started = performance.now();
  await study.trials(); // this process reads the study once
  const openSeconds = (performance.now() - started) / 1000;
  const ask: number[] = [];
  const tell: number[] = [];
  for (let i = 0; i < WARMUP + TIMED; i++) {
    const t0 = performance.now();
    const trial = (await study.ask({ worker: "bench", leaseMs: 60_000 }))!;
    const t1 = performance.now();
    await study.tell(trial.number, rng.float());
    const t2 = performance.now();
    if (i >= WARMUP) {
      ask.push(t1 - t0);
      tell.push(t2 - t1);
    }
  }
  await storage.close();
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[xs.length >> 1];
  return { size, fillSeconds, openSeconds, askMs: median(ask), tellMs: median(tell) };
}

const rows = [];
for (const size of SIZES.length ? SIZES : [1_000, 100_000]) rows.push(await measure(size));
const out = fileURLToPath(new URL("../../bench/results", import.meta.url));
mkdirSync(out, { recursive: true });
writeFileSync(join(out, "ask-cost.json"), `${JSON.stringify({ timed: TIMED, warmup: WARMUP, rows }, null, 2)}\n`);
console.log("trials in study | ask (median ms) | tell (median ms) | first read of the study (s)");
for (const r of rows) console.log(`${String(r.size).padStart(15)} | ${r.askMs.toFixed(3).padStart(15)} | ${r.tellMs.toFixed(3).padStart(16)} | ${r.openSeconds.toFixed(2)}`);
