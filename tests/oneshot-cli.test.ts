import assert from "node:assert/strict";
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { nb201Space } from "../src/space/builtin/nb201.js";
import { lastJsonLine, runCli, tempDir } from "./support.js";

const dataReady = existsSync("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz");
const env = { ...process.env, NASCENT_THREADS: "1" };

describe("nascent oneshot", { skip: dataReady ? false : "needs Debian's dataset-fashion-mnist" }, () => {
  it("trains an SPOS supernet, prints the genotype as an NB201 config and key, and the supernet scores cells for a search", () => {
    const dir = tempDir();
    try {
      const storage = `sqlite:${join(dir, "db.sqlite")}`;
      const supernet = join(dir, "supernet");
      const args = ["oneshot", "--method", "spos", "--train-limit", "256", "--epochs", "1", "--channels", "2", "--cells", "1", "--candidates", "3", "--eval-images", "100"];
      const run = runCli([...args, "--seed", "1", "--storage", storage, "--checkpoint-dir", supernet, "--json"], { env });
      assert.equal(run.code, 0, run.stderr);
      const line = lastJsonLine<{ method: string; genotype: { edges: string[] }; key: string; supernet: string; epochs: number; seconds: number }>(run.stdout);
      assert.equal(line.method, "spos");
      assert.equal(line.key, nb201Space.key(nb201Space.parse(line.key)));
      assert.deepEqual(nb201Space.parse(line.key), line.genotype);
      assert.equal(line.epochs, 1);
      const read = runCli(["trials", "--storage", storage, "--study", "oneshot-spos-seed1", "--json"], { env });
      assert.equal(read.code, 0, read.stderr);
      const epochs = lastJsonLine<{ number: number; state: string; userAttrs?: Record<string, unknown> }[]>(read.stdout);
      assert.equal(epochs.length, 1, "one trial per epoch");
      assert.equal(epochs[0].state, "complete");
      const search = runCli(["search", "--space", "nb201", "--evaluator", `supernet:${supernet}`, "--trials", "2", "--seed", "0", "--storage", storage, "--study", "over-supernet", "--json"], { env });
      assert.equal(search.code, 0, search.stderr);
      assert.match(search.stdout, /supernetAccuracy/);
      const again = runCli([...args, "--seed", "1", "--storage", storage, "--checkpoint-dir", supernet], { env });
      assert.equal(again.code, 2, "a second run into the same study without --resume is refused");
      assert.match(again.stderr, /add --resume/);
      const bad = runCli(["oneshot", "--method", "enasx", "--storage", storage], { env });
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /--method: unknown one-shot method 'enasx'/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("runs FBNet under a latency target from a given table, and refuses a target for a method without a latency loss", () => {
    const dir = tempDir();
    try {
      const table = join(dir, "lut.json");
      writeFileSync(table, JSON.stringify({ device: "test", clock: "wall", channels: 2, cellsPerStage: 1, input: [28, 28, 1], base: 1, ops: [0, 1, 2].map(() => [0, 0.01, 0.1, 0.3, 0.05]) }));
      const storage = `sqlite:${join(dir, "db.sqlite")}`;
      const args = ["oneshot", "--train-limit", "256", "--epochs", "1", "--channels", "2", "--cells", "1", "--eval-images", "100", "--storage", storage, "--latency-table", table, "--json"];
      const run = runCli([...args, "--method", "fbnet", "--latency-target", "1.5", "--checkpoint-dir", join(dir, "fbnet")], { env });
      assert.equal(run.code, 0, run.stderr);
      const line = lastJsonLine<{ method: string; genotype: { edges: string[] } }>(run.stdout);
      assert.equal(line.method, "fbnet");
      assert.ok(line.genotype.edges.filter((op) => op === "nor_conv_3x3").length <= 1, `1.5 ms allows one 3x3 conv edge: ${line.genotype.edges}`);
      const refused = runCli([...args, "--method", "darts", "--latency-target", "1.5"], { env });
      assert.equal(refused.code, 2);
      assert.match(refused.stderr, /--latency-target: only proxyless and fbnet/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
