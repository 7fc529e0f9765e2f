import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, it } from "node:test";
import pg from "pg";
import { Study } from "../src/index.js";
import { PostgresStorage } from "../src/storage/postgres.js";
import { makeHosts, namespacesUnavailable, startCli, type CliProcess } from "./hosts.js";
import { postgresUnavailable, startPostgres } from "./postgres-server.js";
import { runCli } from "./support.js";

const skip = postgresUnavailable() ?? namespacesUnavailable();

const TRIALS = 50;
const TRIAL_MS = 400;
const LEASE_S = 1.5;

describe("workers on three hosts sharing a study through PostgreSQL", { skip }, () => {
  it("end with exactly the budget of complete trials through a SIGKILL, a server restart and a link cut longer than the lease", async () => {
    const { hosts, trustedNet, remove } = makeHosts(3);
    const listen = ["127.0.0.1", ...hosts.map((h) => h.gateway)].join(",");
    const server = await startPostgres({ listen, trustedNet }).catch((error: unknown) => {
      remove();
      throw error;
    });
    const workers: CliProcess[] = [];
    try {
      const created = runCli(["create", "--storage", server.url, "--study", "faults", "--space", "nb201", "--benchmark", `sleep:${TRIAL_MS}`,
        "--trials", String(TRIALS), "--window", "8", "--lease", String(LEASE_S), "--seed", "3"]);
      assert.equal(created.code, 0, created.stderr);
      const worker = (host: number) => {
        const run = startCli(["worker", "--storage", server.urlAt(hosts[host].gateway), "--study", "faults", "--concurrency", "2", "--json"], hosts[host].netns);
        workers.push(run);
        return run;
      };
      const [killed, , cutOff] = [worker(0), worker(1), worker(2)];
      const started = Date.now();
      const log = (what: string) => process.env.NASCENT_DEBUG && console.error(`${((Date.now() - started) / 1000).toFixed(2)} s ${what}`);
      /** Waits (bounded) until the worker process `run` holds a trial started so recently that it is mid-trial for a while. */
      const holdsTrial = async (run: CliProcess) => {
        const watcher = new pg.Client(server.url);
        await watcher.connect();
        try {
          for (let i = 0; i < 600; i++) {
            const { rows } = await watcher.query("SELECT count(*)::int AS n FROM nascent_trials WHERE state = 'running' AND split_part(worker, ':', 2) = $1 AND started_at > nascent_now_ms() - $2",
              [String(run.child.pid), TRIAL_MS / 4]);
            if (rows[0].n > 0) return;
            await sleep(20);
          }
          throw new Error(`worker ${run.child.pid} never started a trial: ${run.stderr}`);
        } finally {
          await watcher.end();
        }
      };
      await holdsTrial(killed);
      log("kill");
      killed.child.kill("SIGKILL"); // mid-trial: it holds running trials
      worker(0); // its host starts a replacement, as a Job would
      await sleep(500);
      log("restart");
      server.stop(); // every connection is cut; workers retry until it is back
      await sleep(300);
      server.start();
      log("restarted");
      await holdsTrial(cutOff);
      log("cut");
      hosts[2].cut();
      await sleep(LEASE_S * 1000 * 3);
      hosts[2].restore();
      log("restored");

      const deadline = Date.now() + 40_000;
      for (const run of workers.slice(1)) {
        const code = await Promise.race([run.exited, sleep(Math.max(0, deadline - Date.now()), "timeout" as const, { ref: false })]);
        assert.equal(code, 0, `a worker did not finish cleanly (${code}): ${run.stderr}`);
        log(`worker ${run.child.pid} done: ${run.stdout.trim()} ${run.stderr.trim()}`);
      }
      assert.equal(await killed.exited, null, "SIGKILL ends a worker with no exit code");

      const storage = new PostgresStorage(server.url);
      const trials = await (await Study.load(storage, "faults")).trials();
      await storage.close();
      const states = (s: string) => trials.filter((t) => t.state === s);
      assert.equal(states("complete").length, TRIALS, "exactly the budget completes: no lost tell, no duplicate");
      assert.equal(states("running").length, 0);
      assert.deepEqual(trials.map((t) => t.number), trials.map((_, i) => i), "numbers are unique and dense");
      const failed = states("failed");
      for (const t of failed) assert.match(t.error!, /stopped renewing its lease|no longer running/, `trial ${t.number}: ${t.error}`);
      const killedId = (worker: string | null) => worker?.split(":")[1] === String(killed.child.pid);
      assert.ok(failed.filter((t) => killedId(t.worker)).length >= 1, "the killed worker's trials were failed");
      const cutId = JSON.parse(cutOff.stdout.trim().split("\n").at(-1)!).worker as string;
      const cutFailed = failed.filter((t) => t.worker === cutId);
      assert.ok(cutFailed.length >= 1 && cutFailed.every((t) => /stopped renewing its lease/.test(t.error!)), "the cut-off host's trials expired");
      assert.match(cutOff.stderr, /trial \d+: result \(complete\) refused, not recorded: the trial is already failed \(worker .* stopped renewing its lease/);
      assert.ok(cutFailed.every((t) => t.values === null), "no late result was applied");
    } finally {
      for (const run of workers) run.child.kill("SIGKILL");
      const t0 = Date.now();
      server.destroy();
      const t1 = Date.now();
      remove();
      if (process.env.NASCENT_DEBUG) console.error(`cleanup: server ${t1 - t0} ms, hosts ${Date.now() - t1} ms`);
    }
  });
});
