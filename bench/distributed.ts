/**
 * Workers on one PostgreSQL study. (1) Throughput: 1, 2, 4, 8 `nascent worker` processes on trials that each
 * wait 200 ms (`sleep:200`), trials/s over the span of the trials (server timestamps, so process start-up is
 * left out) against 1 worker. (2) Storage time per ask+tell with 1,000 and 100,000 trials already in the study
 * (filled by SQL), and the whole ask+tell. (3) Optuna 3.1's RDBStorage on the same server, same operations
 * (bench/optuna_rdb.py, Debian's /usr/bin/python3 with python3-optuna and python3-psycopg2).
 *
 *   npm run build && node dist/bench/distributed.js [--workers 1,2,4,8] [--rounds 20] [--sizes 1000,100000] [--ops 200]
 *
 * Prints a table, writes docs/bench/distributed.json.
 */
import { registeredStrategy } from "../src/strategy/registry.js";
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import pg from "pg";
import { Rng, Study, nb301Space, type Storage } from "../src/index.js";
import { PostgresStorage } from "../src/storage/postgres.js";
import { startCli } from "../tests/hosts.js";
import { startPostgres } from "../tests/postgres-server.js";
import { runCli } from "../tests/support.js";

const { values } = parseArgs({
  options: { workers: { type: "string", default: "1,2,4,8" }, rounds: { type: "string", default: "20" }, sizes: { type: "string", default: "1000,100000" },
    ops: { type: "string", default: "200" }, "trial-ms": { type: "string", default: "200" }, python: { type: "string", default: "/usr/bin/python3" } },
});
const TRIAL_MS = Number(values["trial-ms"]);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const server = await startPostgres();
const admin = new pg.Client(server.url);
await admin.connect();
const database = async (name: string) => {
  await admin.query(`CREATE DATABASE ${name}`);
  return server.url.replace(/\/postgres$/, `/${name}`);
};

async function throughput(workers: number, url: string) {
  const trials = workers * Number(values.rounds);
  const name = `throughput-${workers}`;
  const created = runCli(["create", "--storage", url, "--study", name, "--space", "nb201", "--benchmark", `sleep:${TRIAL_MS}`, "--trials", String(trials), "--window", "16"]);
  if (created.code !== 0) throw new Error(created.stderr);
  const started = Date.now();
  const runs = Array.from({ length: workers }, () => startCli(["worker", "--storage", url, "--study", name, "--json"]));
  for (const run of runs) if ((await run.exited) !== 0) throw new Error(run.stderr);
  const wall = (Date.now() - started) / 1000;
  const client = new pg.Client(url);
  await client.connect();
  // Steady state: from the moment the last worker started its first trial to the moment the first worker
  // finished its last one (all W workers running), so staggered process start-up does not count.
  const perWorker = (await client.query<{ first: number; last: number }>(
    "SELECT MIN(started_at)::float8 AS first, MAX(finished_at)::float8 AS last FROM nascent_trials WHERE state = 'complete' GROUP BY worker")).rows;
  const from = Math.max(...perWorker.map((w) => w.first));
  const to = Math.min(...perWorker.map((w) => w.last));
  const [{ n }] = (await client.query<{ n: number }>(
    "SELECT COUNT(*)::int AS n FROM nascent_trials WHERE state = 'complete' AND finished_at > $1 AND finished_at <= $2", [from, to])).rows;
  const [{ total }] = (await client.query<{ total: number }>("SELECT COUNT(*)::int AS total FROM nascent_trials WHERE state = 'complete'")).rows;
  await client.end();
  if (perWorker.length !== workers) throw new Error(`${workers} workers started but ${perWorker.length} completed trials`);
  const seconds = (to - from) / 1000;
  return { workers, trials: total, steadyTrials: n, seconds, trialsPerSecond: n / seconds, wallSeconds: wall };
}

/** Storage wrapped so every call is timed: what one ask+tell costs in the storage itself. */
function timedStorage(inner: Storage): { storage: Storage; spent: () => number; reset: () => void } {
  let ms = 0;
  const storage = new Proxy(inner, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (typeof value !== "function" || key === "close") return value;
      return async (...args: unknown[]) => {
        const start = performance.now();
        try {
          return await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        } finally {
          ms += performance.now() - start;
        }
      };
    },
  });
  return { storage, spent: () => ms, reset: () => (ms = 0) };
}

async function askTell(size: number, url: string, ops: number) {
  const setup = new PostgresStorage(url);
  await Study.open({ storage: setup, name: "ask-tell", space: nb301Space, seed: 0 });
  const rng = Rng.derive("bench prefill", size);
  const client = new pg.Client(url);
  await client.connect();
  for (let from = 0; from < size; from += 10_000) {
    const configs = Array.from({ length: Math.min(10_000, size - from) }, () => nb301Space.sample(rng));
    await client.query(
      `INSERT INTO nascent_trials (study_id, number, state, config, key, trial_values, metrics, started_at, finished_at, seq)
       SELECT 1, n, 'complete', c, k, '[' || v || ']', '{"value":' || v || '}', nascent_now_ms(), nascent_now_ms(), n + 1
       FROM unnest($1::int[], $2::text[], $3::text[], $4::float8[]) AS u(n, c, k, v)`,
      [configs.map((_, i) => from + i), configs.map((c) => JSON.stringify(c)), configs.map((c) => nb301Space.key(c)), configs.map(() => rng.float())],
    );
  }
  await client.query("UPDATE nascent_studies SET n_trials = $1, seq = $2 WHERE id = 1", [size, size]);
  await client.query("ANALYZE nascent_trials");
  await client.end();
  await setup.close();

  const timed = timedStorage(new PostgresStorage(url));
  const study = await Study.load(timed.storage, "ask-tell", { strategies: registeredStrategy });
  await study.trials(); // a new worker reads the study once
  const storageMs: number[] = [];
  const totalMs: number[] = [];
  for (let i = 0; i < ops + 5; i++) {
    timed.reset();
    const start = performance.now();
    const trial = (await study.ask())!;
    await study.tell(trial.number, rng.float());
    if (i >= 5) {
      totalMs.push(performance.now() - start);
      storageMs.push(timed.spent());
    }
  }
  await timed.storage.close();
  return { trials: size, ops, storageMs: median(storageMs), askTellMs: median(totalMs) };
}

function optuna(size: number, url: string, ops: number) {
  const result = spawnSync(values.python!, ["bench/optuna_rdb.py", url.replace(/^postgres:/, "postgresql+psycopg2:"), String(size), String(ops)], { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`optuna_rdb.py failed: ${result.stderr}`);
  const parsed = JSON.parse(result.stdout.trim().split("\n").at(-1)!) as { ask_tell_ms: number; storage_ms: number };
  return { trials: size, ops, storageMs: parsed.storage_ms, askTellMs: parsed.ask_tell_ms };
}

try {
  const workerCounts = values.workers!.split(",").map(Number);
  const sizes = values.sizes!.split(",").map(Number);
  const ops = Number(values.ops);
  const scaling = [];
  for (const workers of workerCounts) {
    scaling.push(await throughput(workers, await database(`throughput_${workers}`)));
    console.error(`throughput ${JSON.stringify(scaling.at(-1))}`);
  }
  const nascent: Awaited<ReturnType<typeof askTell>>[] = [];
  const reference: ReturnType<typeof optuna>[] = [];
  for (const size of sizes) {
    nascent.push(await askTell(size, await database(`nascent_${size}`), ops));
    console.error(`nascent ${JSON.stringify(nascent.at(-1))}`);
    reference.push(optuna(size, await database(`optuna_${size}`), Math.min(ops, 50)));
    console.error(`optuna ${JSON.stringify(reference.at(-1))}`);
  }
  const base = scaling[0].trialsPerSecond;
  console.log(`\n${TRIAL_MS} ms trials, nascent worker processes on one PostgreSQL 15 server (loopback)\n`);
  console.log("| workers | trials | steady window (s) | trials in it | trials/s | speed-up vs 1 |\n|---:|---:|---:|---:|---:|---:|");
  for (const s of scaling) {
    console.log(`| ${s.workers} | ${s.trials} | ${s.seconds.toFixed(2)} | ${s.steadyTrials} | ${s.trialsPerSecond.toFixed(2)} | ${(s.trialsPerSecond / base).toFixed(2)}x |`);
  }
  console.log("\nPer ask+tell (median ms), random strategy on the DARTS (NB301) space, study already holding N trials\n");
  console.log("| N | nascent storage | nascent ask+tell | Optuna 3.1 RDB storage | Optuna ask+tell | nascent / Optuna (storage) |\n|---:|---:|---:|---:|---:|---:|");
  nascent.forEach((n, i) => {
    const o = reference[i];
    console.log(`| ${n.trials} | ${n.storageMs.toFixed(2)} | ${n.askTellMs.toFixed(2)} | ${o.storageMs.toFixed(1)} | ${o.askTellMs.toFixed(1)} | ${(n.storageMs / o.storageMs).toFixed(3)} |`);
  });
  if (nascent.length > 1) console.log(`\nnascent storage time at ${nascent.at(-1)!.trials} trials / at ${nascent[0].trials}: ${(nascent.at(-1)!.storageMs / nascent[0].storageMs).toFixed(2)}x`);
  mkdirSync("docs/bench", { recursive: true });
  writeFileSync("docs/bench/distributed.json", `${JSON.stringify({ trialMs: TRIAL_MS, scaling, nascent, optuna: reference, date: new Date().toISOString() }, null, 2)}\n`);
} finally {
  await admin.end();
  server.destroy();
}
