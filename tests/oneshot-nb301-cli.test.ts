import assert from "node:assert/strict";
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { nb301Space } from "../src/space/builtin/nb301.js";
import { lastJsonLine, runCli, tempDir } from "./support.js";

const dataReady = existsSync("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz");
const env = { ...process.env, NASCENT_THREADS: "1" };

describe("nascent oneshot --space nb301", { skip: dataReady ? false : "needs Debian's dataset-fashion-mnist" }, () => {
  it("prints the DARTS genotype as an NB301 config and key that the NB301 surrogate scores, records each epoch, and the supernet scores configs for a search", () => {
    const dir = tempDir();
    try {
      const storage = `sqlite:${join(dir, "db.sqlite")}`;
      const args = ["oneshot", "--space", "nb301", "--method", "darts", "--train-limit", "128", "--epochs", "1", "--channels", "2", "--cells", "2", "--eval-images", "50", "--seed", "0", "--storage", storage];
      const run = runCli([...args, "--checkpoint-dir", join(dir, "supernet"), "--json"], { env });
      assert.equal(run.code, 0, run.stderr);
      const line = lastJsonLine<{ method: string; genotype: unknown; key: string; epochs: number }>(run.stdout);
      assert.deepEqual(nb301Space.validate(JSON.parse(line.key)), line.genotype);
      assert.equal(line.epochs, 1);
      const scored = runCli(["evaluate", "--space", "nb301", "--benchmark", "nb301", "--config", line.key], { env });
      assert.equal(scored.code, 0, scored.stderr);
      const accuracy = lastJsonLine<{ metrics: { accuracy: number } }>(scored.stdout).metrics.accuracy;
      assert.ok(accuracy > 0.8 && accuracy < 0.96, `NB301 surrogate accuracy ${accuracy}`);
      const read = runCli(["trials", "--storage", storage, "--study", "oneshot-darts-seed0", "--json"], { env });
      const epochs = lastJsonLine<{ state: string; config: unknown }[]>(read.stdout);
      assert.equal(epochs.length, 1);
      assert.deepEqual(epochs[0].config, line.genotype);
      const search = runCli(["search", "--space", "nb301", "--evaluator", `supernet:${join(dir, "supernet")}`, "--trials", "2", "--seed", "0", "--storage", storage, "--study", "over-supernet", "--json"], { env });
      assert.equal(search.code, 0, search.stderr);
      assert.match(search.stdout, /supernetAccuracy/);
      const wrongSpace = runCli(["search", "--space", "nb201", "--evaluator", `supernet:${join(dir, "supernet")}`, "--trials", "1", "--storage", storage, "--study", "wrong"], { env });
      assert.equal(wrongSpace.code, 2);
      assert.match(wrongSpace.stderr, /holds a nb301 supernet; use --space nb301/);
      const latency = runCli(["oneshot", "--space", "nb301", "--method", "proxyless", "--latency-target", "1", "--storage", storage, "--study", "other"], { env });
      assert.equal(latency.code, 2);
      assert.match(latency.stderr, /--latency-target: .*nb201 space only/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
