import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, describe, it } from "node:test";
import pg from "pg";
import { PostgresStorage } from "../src/storage/postgres.js";
import { isTransient, withRetry } from "../src/storage/postgres-retry.js";
import { nb201Space, type StudySpec } from "../src/index.js";
import { postgresUnavailable, startPostgres, type PostgresServer } from "./postgres-server.js";
import { describeStorageConformance } from "../src/storage/conformance.js";
import { studyOnStorage } from "./study-on-storage.js";

const skip = postgresUnavailable();
let server: Promise<PostgresServer> | null = null;
const serverOnce = () => (server ??= startPostgres());
after(async () => (await server)?.destroy());

let databases = 0;
/** A fresh database on the shared throwaway server, so every test starts empty. */
async function freshStorage(): Promise<PostgresStorage> {
  const { url } = await serverOnce();
  const name = `conformance_${process.pid}_${databases++}`;
  const admin = new pg.Client(url);
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return new PostgresStorage(url.replace(/\/postgres$/, `/${name}`));
}

if (skip) describe("postgres storage", { skip }, () => {});
else describeStorageConformance("postgres", freshStorage);
studyOnStorage("postgres", freshStorage, { skip });

const spec: StudySpec = {
  name: "pg", space: nb201Space.toJson(), objectives: [{ metric: "accuracy", direction: "maximize" }], constraints: [], seed: 0,
  strategy: { name: "random", options: {} }, evaluator: null,
};

describe("postgres storage under concurrency and lost connections", { skip }, () => {
  it("gives every number to exactly one of many workers racing on separate connections", async () => {
    const first = await freshStorage();
    const study = await first.createStudy(spec);
    const workers = [first, ...[1, 2, 3].map(() => new PostgresStorage(first.url))];
    const created: number[] = [];
    await Promise.all(workers.map(async (storage, w) => {
      for (let tries = 0; created.length < 60 && tries < 500; tries++) {
        const number = await storage.nextTrialNumber(study.id);
        const result = await storage.createTrial(study.id, { number, config: {}, key: `${w}-${number}`, note: null, worker: `w${w}`, leaseMs: 60_000, limit: 60 });
        if (result === "created") created.push(number);
      }
    }));
    assert.deepEqual(created.sort((a, b) => a - b), Array.from({ length: 60 }, (_, i) => i), "numbers 0..59, each once");
    await Promise.all(workers.map((s) => s.close()));
  });

  it("judges leases by the server's clock and recognises a retried call by its token", async () => {
    const storage = await freshStorage();
    const study = await storage.createStudy(spec);
    await storage.createTrial(study.id, { number: 0, config: {}, key: "k", note: null, worker: "w", leaseMs: 5_000 });
    const client = new pg.Client(storage.url);
    await client.connect();
    const [{ now }] = (await client.query<{ now: string }>("SELECT nascent_now_ms() AS now")).rows;
    const [trial] = (await storage.trialChanges(study.id, 0)).trials;
    assert.equal(trial.leaseExpiresAt! - trial.startedAt, 5_000);
    assert.ok(Math.abs(Number(now) - trial.startedAt) < 5_000, "started at the server's time");
    // The same call made twice (its first answer lost): one trial, and the tell succeeds both times.
    const token = randomUUID();
    const create = "SELECT nascent_create_trial($1, 1, NULL, '{}', 'k1', NULL, 'w', 1000, $2) AS r";
    assert.equal((await client.query(create, [study.id, token])).rows[0].r, "created");
    assert.equal((await client.query(create, [study.id, token])).rows[0].r, "created");
    assert.equal((await client.query(create, [study.id, randomUUID()])).rows[0].r, "taken");
    const finish = "SELECT nascent_finish_trial($1, 1, 'complete', '[0.5]', NULL, NULL, NULL, $2) AS done";
    assert.equal((await client.query(finish, [study.id, token])).rows[0].done, true);
    assert.equal((await client.query(finish, [study.id, token])).rows[0].done, true, "a retried tell is not refused");
    assert.equal((await client.query(finish, [study.id, randomUUID()])).rows[0].done, false, "another tell is");
    assert.equal(await storage.nextTrialNumber(study.id), 2);
    await client.end();
    await storage.close();
  });

  it("carries on through connections killed by the server", async () => {
    const storage = await freshStorage();
    const study = await storage.createStudy(spec);
    const admin = new pg.Client(storage.url);
    await admin.connect();
    for (let number = 0; number < 20; number++) {
      if (number % 4 === 0) await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND datname = current_database()");
      assert.equal(await storage.createTrial(study.id, { number, config: {}, key: `k${number}`, note: null, worker: "w", leaseMs: 60_000 }), "created");
      assert.equal(await storage.finishTrial(study.id, number, { state: "complete", values: [number] }), true);
    }
    const trials = (await storage.trialChanges(study.id, 0)).trials;
    assert.deepEqual(trials.map((t) => t.values![0]), Array.from({ length: 20 }, (_, i) => i));
    await admin.end();
    await storage.close();
  });

  it("tells transient failures from real ones", () => {
    assert.ok(isTransient({ code: "40001", message: "could not serialize access" }));
    assert.ok(isTransient({ code: "57P01", message: "terminating connection due to administrator command" }));
    assert.ok(isTransient(new Error("Connection terminated unexpectedly")));
    assert.ok(!isTransient({ code: "23505", message: "duplicate key value violates unique constraint" }));
    assert.ok(!isTransient({ code: "42P01", message: "relation does not exist" }));
  });

  it("says once, not silently, that it keeps retrying an unreachable server, then gives up with the cause", async () => {
    const warnings: string[] = [];
    const unreachable = Object.assign(new Error("connect EHOSTUNREACH 10.9.9.9:5432"), { code: "EHOSTUNREACH" });
    await assert.rejects(
      withRetry("connect", { deadlineMs: 300, firstDelayMs: 5, maxDelayMs: 20, warnAfterMs: 50, warn: (m) => warnings.push(m) }, () => Promise.reject(unreachable)),
      /PostgreSQL connect: still failing after \d+ s of retries: connect EHOSTUNREACH/,
    );
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /EHOSTUNREACH 10\.9\.9\.9:5432; retrying for up to 0 s/);
  });
});
