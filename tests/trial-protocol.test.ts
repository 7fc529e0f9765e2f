import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import { CLI, lastJsonLine, needs, requirePresent, runCli, tempDir } from "./support.js";

const EXAMPLES = fileURLToPath(new URL("../../examples/protocol/", import.meta.url));
const nascent = (...args: string[]) => runCli(args);

interface TrialJson {
  number: number;
  state: string;
  value: number | null;
  config: Record<string, unknown>;
  error?: string;
  metrics?: Record<string, number>;
}

function trials(storage: string, study: string): TrialJson[] {
  const result = nascent("trials", "--storage", storage, "--study", study, "--json");
  assert.equal(result.code, 0, result.stderr);
  return lastJsonLine<TrialJson[]>(result.stdout);
}

const SPACE = { type: "object", fields: { quality: { type: "float", min: 0, max: 1 }, mode: { type: "choice", values: ["ok", "crash", "hang"] } } };

/** A trial program in Node: reports quality * step for steps 1..4, or crashes, or hangs, as the config says. */
const PROGRAM = `
const config = JSON.parse(process.env.NASCENT_CONFIG);
const trial = Number(process.env.NASCENT_TRIAL);
if (config.mode === "crash") { console.error("loading data...\\nRuntimeError: CUDA out of memory (trial " + trial + ")"); process.exit(3); }
if (config.mode === "hang") setInterval(() => {}, 1000);
else (async () => {
  for (let step = 1; step <= 4; step++) {
    console.log("epoch " + step + " done");
    console.log(JSON.stringify({ nascent: "report", step, value: config.quality * step }));
    await new Promise((r) => setTimeout(r, 30));
  }
  console.log(JSON.stringify({ nascent: "result", value: config.quality * 4, metrics: { params: 1000 + trial } }));
})();
`;

describe("trial protocol: any program trains a candidate", () => {
  const dir = tempDir();
  const space = join(dir, "space.json");
  const program = join(dir, "train.cjs");
  writeFileSync(space, JSON.stringify(SPACE));
  writeFileSync(program, PROGRAM);
  const storage = `sqlite:${join(dir, "studies.db")}`;

  it("hands each trial its config, reads reports and results, records crashes with the stderr tail and kills hung trials", () => {
    const result = nascent("search", "--space", space, "--command", `"${process.execPath}" "${program}"`, "--trials", "6", "--seed", "3", "--storage", storage, "--study", "mixed", "--pruner", "median", "--trial-timeout", "2", "--max-failures", "50", "--json");
    assert.equal(result.code, 0, result.stderr);
    const all = trials(storage, "mixed");
    const byMode = (mode: string) => all.filter((t) => t.config.mode === mode);
    assert.ok(byMode("ok").length > 0 && byMode("crash").length > 0 && byMode("hang").length > 0, "the seed should draw every mode");
    for (const t of byMode("crash")) {
      assert.equal(t.state, "failed");
      assert.match(t.error ?? "", /exited with code 3/);
      assert.match(t.error ?? "", /CUDA out of memory \(trial \d+\)/, "the stderr tail is kept");
    }
    for (const t of byMode("hang")) {
      assert.equal(t.state, "failed");
      assert.match(t.error ?? "", /--trial-timeout 2 s/);
    }
    assert.ok(byMode("ok").some((o) => o.state === "complete"), "some ok trial completes");
    for (const t of byMode("ok").filter((o) => o.state === "complete")) {
      assert.ok(Math.abs((t.value as number) - 4 * (t.config.quality as number)) < 1e-9);
      assert.equal(t.metrics?.params, 1000 + t.number);
    }
  });

  it("terminates trials the median pruner stops: a pruned program never reaches its end", () => {
    const slow = join(dir, "slow.cjs");
    const ends = join(dir, "ends");
    mkdirSync(ends);
    writeFileSync(
      slow,
      `const q = JSON.parse(process.env.NASCENT_CONFIG).quality;
(async () => { for (let step = 1; step <= 20; step++) { console.log(JSON.stringify({ nascent: "report", step, value: q })); await new Promise((r) => setTimeout(r, step === 1 ? 10 : 100)); }
require("node:fs").writeFileSync(${JSON.stringify(ends)} + "/" + process.env.NASCENT_TRIAL, "");
console.log(JSON.stringify({ nascent: "result", value: q })); })();`,
    );
    const okSpace = join(dir, "ok-space.json");
    writeFileSync(okSpace, JSON.stringify({ type: "object", fields: { quality: { type: "float", min: 0, max: 1 } } }));
    const result = nascent("search", "--space", okSpace, "--command", `"${process.execPath}" "${slow}"`, "--trials", "8", "--seed", "1", "--storage", storage, "--study", "pruned", "--pruner", "median", "--json");
    assert.equal(result.code, 0, result.stderr);
    const all = trials(storage, "pruned");
    const pruned = all.filter((t) => t.state === "pruned");
    assert.ok(pruned.length >= 1, `expected pruned trials, got ${all.map((t) => t.state).join(", ")}`);
    // The study records a pruned trial only after its program's output closed: a program that was not killed
    // would have written its end marker by then.
    for (const t of pruned) assert.equal(existsSync(join(ends, String(t.number))), false, `pruned trial ${t.number} ran to its end`);
    assert.ok(all.some((c) => c.state === "complete"), "some trial completes");
    for (const t of all.filter((c) => c.state === "complete")) assert.ok(existsSync(join(ends, String(t.number))), `complete trial ${t.number} left no marker`);
  });

  it("names the problem when a program's output breaks the protocol, and stops when every trial fails", () => {
    const silent = join(dir, "silent.cjs");
    writeFileSync(silent, `console.log("training..."); console.log('{"nascent": "report", "step": "one", "value": 1}');`);
    const result = nascent("search", "--space", space, "--command", `"${process.execPath}" "${silent}"`, "--trials", "5", "--max-failures", "3", "--storage", storage, "--study", "silent", "--json");
    assert.equal(result.code, 1);
    assert.match(result.stderr, /stopped after 3 trials in a row failed; the last \(trial 2\) failed with: .*bad report line/);
    const all = trials(storage, "silent");
    assert.deepEqual(all.map((t) => t.state), ["failed", "failed", "failed"]);
    for (const t of all) assert.match(t.error ?? "", /bad report line/);
  });

  it("ends a trial program's whole process group when nascent itself is killed with SIGKILL", async () => {
    const pidFile = join(dir, "grandchild.pid");
    const command = `sleep 300 & echo $! > "${pidFile}"; wait`;
    const search = spawn(process.execPath, [CLI, "search", "--space", space, "--command", command, "--trials", "1", "--seed", "1", "--storage", storage, "--study", "killed"], { stdio: "ignore" });
    // A killed process whose new parent has not reaped it yet is a zombie: it has ended, though kill(pid, 0)
    // still finds it. Linux says so in /proc; elsewhere the signal probe is all there is.
    const alive = (pid: number) => {
      try {
        if (process.platform === "linux") return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    const until = async (what: () => boolean, ms: number) => {
      for (const end = Date.now() + ms; Date.now() < end; ) {
        if (what()) return true;
        await new Promise((r) => setTimeout(r, 100));
      }
      return what();
    };
    assert.ok(await until(() => existsSync(pidFile) && readFileSync(pidFile, "utf8").trim() !== "", 20_000), "the trial program started");
    const grandchild = Number(readFileSync(pidFile, "utf8"));
    assert.ok(alive(grandchild));
    search.kill("SIGKILL");
    assert.ok(await until(() => !alive(grandchild), 30_000), `the trial's process ${grandchild} outlived nascent`);
  });

  it("refuses --command together with --benchmark", () => {
    const result = nascent("search", "--space", space, "--command", "true", "--benchmark", "nb201:cifar10");
    assert.equal(result.code, 2);
    assert.match(result.stderr, /give only one of --benchmark, --command/);
  });

  const dataReady = existsSync("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz");
  it("runs the Node example through the protocol", needs(dataReady, "Debian's dataset-fashion-mnist"), () => {
    requirePresent(dataReady, "Debian's dataset-fashion-mnist");
    const result = runCli(
      ["search", "--space", join(EXAMPLES, "mlp-space.json"), "--command", `"${process.execPath}" ${join(EXAMPLES, "train.mjs")}`, "--trials", "3", "--seed", "1", "--storage", storage, "--study", "node-example", "--json"],
      { env: { ...process.env, EPOCHS: "2", TRAIN_LIMIT: "1000" }, timeoutMs: 120_000 },
    );
    assert.equal(result.code, 0, result.stderr);
    const all = trials(storage, "node-example");
    assert.equal(all.filter((t) => t.state === "complete").length, 3);
    assert.ok(all.every((t) => (t.metrics?.params ?? 0) > 0), "the program's extra metrics are recorded");
    assert.ok(all.some((t) => (t.value as number) > 0.5), "some trial learns Fashion-MNIST");
  });

  const torchReady = spawnSync("/usr/bin/python3", ["-c", "import torch"]).status === 0 && existsSync("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz");
  it("runs the PyTorch example through the protocol, and the median pruner stops some of its trials", needs(torchReady, "Debian's python3-torch and dataset-fashion-mnist"), () => {
    requirePresent(torchReady, "Debian's python3-torch and dataset-fashion-mnist");
    const result = runCli(
      ["search", "--space", join(EXAMPLES, "cnn-space.json"), "--command", `/usr/bin/python3 ${join(EXAMPLES, "train_torch.py")}`, "--trials", "8", "--seed", "2", "--pruner", "median", "--storage", storage, "--study", "torch", "--json"],
      { env: { ...process.env, EPOCHS: "3", TRAIN_LIMIT: "1500" } },
    );
    assert.equal(result.code, 0, result.stderr);
    const all = trials(storage, "torch");
    assert.ok(all.some((t) => t.state === "pruned"), `states: ${all.map((t) => t.state).join(", ")}`);
    assert.ok(all.filter((t) => t.state === "complete").some((t) => (t.value as number) > 0.6), "some trial learns Fashion-MNIST");
  });
});
