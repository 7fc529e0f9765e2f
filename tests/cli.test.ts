import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import Database from "better-sqlite3";
import { nb201Table } from "../src/evaluate/nb201.js";
import { CLI, lastJsonLine, runCli, tempDir } from "./support.js";

const nascent = (...args: string[]) => runCli(args);

interface TrialJson {
  number: number;
  state: string;
  value: number | null;
  config: unknown;
}

function trialsOf(storage: string, study: string): TrialJson[] {
  const result = nascent("trials", "--storage", storage, "--study", study, "--json");
  assert.equal(result.code, 0, result.stderr);
  return lastJsonLine(result.stdout) as TrialJson[];
}

/** Bad input must give exactly one line on stderr that names the problem, and exit code 2. */
function assertOneLineError(result: ReturnType<typeof nascent>, pattern: RegExp) {
  assert.equal(result.code, 2, `exit code; stderr: ${result.stderr}`);
  const lines = result.stderr.trim().split("\n");
  assert.equal(lines.length, 1, `one line expected, got: ${result.stderr}`);
  assert.match(lines[0], pattern);
}

const search = ["search", "--space", "nb201", "--benchmark", "nb201:cifar10"];
const ALL_SKIP = "|skip_connect~0|+|skip_connect~0|skip_connect~1|+|skip_connect~0|skip_connect~1|skip_connect~2|";

describe("the nascent command", () => {
  it("searches NB201 with evolution and prints the summary as the last JSON line", () => {
    const db = `sqlite:${join(tempDir(), "n.db")}`;
    const result = nascent(...search, "--strategy", "evolution", "--trials", "300", "--seed", "1", "--storage", db, "--json");
    assert.equal(result.code, 0, result.stderr);
    const summary = lastJsonLine(result.stdout) as { study: string; trials: number; best: { value: number; config: unknown; key: string } };
    assert.equal(summary.trials, 300);
    assert.ok(summary.best.value >= 93.5);
    assert.match(summary.best.key, /^\|[a-z_0-9]+~0\|\+/);
    const best = lastJsonLine(nascent("best", "--storage", db, "--study", summary.study, "--json").stdout) as { value: number; key: string };
    assert.equal(best.value, summary.best.value);
    assert.match(nascent("studies", "--storage", db).stdout, new RegExp(`${summary.study}.*300 complete`));
  });

  it("gives identical trial lists for the same command and seed", () => {
    const db = `sqlite:${join(tempDir(), "n.db")}`;
    const run = () => (lastJsonLine(nascent(...search, "--strategy", "evolution", "--trials", "120", "--seed", "4", "--storage", db, "--json").stdout) as { study: string }).study;
    const [first, second] = [run(), run()];
    assert.notEqual(first, second, "each run is its own study");
    const strip = (trials: TrialJson[]) => trials.map(({ number, state, value, config }) => ({ number, state, value, config }));
    assert.deepEqual(strip(trialsOf(db, first)), strip(trialsOf(db, second)));
  });

  it("searches any CSV of NB201 architectures with table:PATH:arch:column", () => {
    const dir = tempDir();
    const table = nb201Table();
    const archs = table.strings("arch");
    const values = table.strings("c100_test");
    writeFileSync(join(dir, "in16.csv"), ["arch,in16_test", ...archs.map((a, i) => `"${a}",${values[i]}`)].join("\n"));
    const result = nascent("search", "--space", "nb201", "--benchmark", `table:${join(dir, "in16.csv")}:arch:in16_test`, "--strategy", "local", "--trials", "200", "--seed", "2", "--storage", `sqlite:${join(dir, "n.db")}`, "--json");
    assert.equal(result.code, 0, result.stderr);
    assert.ok((lastJsonLine(result.stdout) as { best: { value: number } }).best.value > 70);
  });

  it("prunes NB301 trials by their learning curves with --strategy asha", () => {
    const result = nascent("search", "--space", "nb301", "--benchmark", "nb301:curve", "--strategy", "asha", "--trials", "40", "--seed", "1", "--storage", "memory:", "--json");
    assert.equal(result.code, 0, result.stderr);
    const summary = lastJsonLine(result.stdout) as { trials: number; best: { value: number } };
    assert.ok(summary.trials >= 1 && summary.trials < 40, `${summary.trials} trials ran all 98 epochs`);
    assert.ok(summary.best.value > 0.85);
    assertOneLineError(nascent("search", "--space", "nb201", "--benchmark", "nb201:cifar10", "--pruner", "hyperband", "--storage", "memory:"), /hyperband needs an evaluator that reports per step/);
  });

  it("continues a study killed with SIGKILL: exactly 3000 complete trials, unique numbers, none running", async () => {
    const dir = tempDir();
    const path = join(dir, "kill.db");
    const args = [...search, "--strategy", "evolution", "--trials", "3000", "--seed", "3", "--storage", `sqlite:${path}`, "--study", "killed"];
    const child = spawn(process.execPath, [CLI, ...args], { stdio: "ignore" });
    const completeSoFar = () => {
      try {
        const db = new Database(path, { readonly: true, fileMustExist: true, timeout: 5000 });
        try {
          return (db.prepare("SELECT COUNT(*) AS n FROM trials WHERE state = 'complete'").get() as { n: number }).n;
        } finally {
          db.close();
        }
      } catch {
        return 0;
      }
    };
    // A child that died (or never gets there) must fail the test, not hang the suite.
    let exited: number | null | undefined;
    child.once("exit", (code) => (exited = code));
    const deadline = Date.now() + 120_000;
    while (completeSoFar() < 500) {
      if (exited !== undefined) assert.fail(`the search exited with ${exited} before 500 trials completed`);
      if (Date.now() > deadline) {
        child.kill("SIGKILL");
        assert.fail(`the search completed ${completeSoFar()} trials in 120 s, not 500`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    child.kill("SIGKILL");
    await new Promise((resolve) => child.once("exit", resolve));
    const killedAt = completeSoFar();
    assert.ok(killedAt < 3000, `killed after ${killedAt} trials`);

    const resumed = nascent(...args, "--resume", "--json");
    assert.equal(resumed.code, 0, resumed.stderr);
    const trials = trialsOf(`sqlite:${path}`, "killed");
    assert.equal(trials.filter((t) => t.state === "complete").length, 3000);
    assert.equal(trials.filter((t) => t.state === "running").length, 0);
    assert.equal(new Set(trials.map((t) => t.number)).size, trials.length);
    assert.deepEqual(trials.map((t) => t.number), trials.map((_, i) => i), "numbers run 0..n-1 without gaps");
  });

  it("lets several processes share one SQLite study without lock errors or duplicates", async () => {
    const dir = tempDir();
    const db = `sqlite:${join(dir, "shared.db")}`;
    const args = [CLI, ...search, "--strategy", "random", "--trials", "600", "--seed", "5", "--storage", db, "--study", "shared", "--resume", "--json"];
    const exits = await Promise.all(
      [0, 1, 2].map(
        () =>
          new Promise<{ code: number | null; stderr: string }>((resolve) => {
            const child = spawn(process.execPath, args, { stdio: ["ignore", "ignore", "pipe"] });
            let stderr = "";
            child.stderr.on("data", (chunk) => (stderr += chunk));
            child.on("exit", (code) => resolve({ code, stderr }));
          }),
      ),
    );
    for (const exit of exits) assert.equal(exit.code, 0, exit.stderr);
    const trials = trialsOf(db, "shared");
    assert.equal(trials.length, 600);
    assert.equal(trials.filter((t) => t.state === "complete").length, 600);
    assert.equal(new Set(trials.map((t) => t.number)).size, 600);
  });

  describe("bad input: one line naming the problem, non-zero exit, and the study file still usable", () => {
    const dir = tempDir();
    const db = `sqlite:${join(dir, "bad.db")}`;
    const created = nascent(...search, "--trials", "20", "--storage", db, "--study", "good", "--json");
    assert.equal(created.code, 0, created.stderr);

    const stillUsable = () => {
      const resumed = nascent(...search, "--trials", "25", "--storage", db, "--study", "good", "--resume", "--json");
      assert.equal(resumed.code, 0, resumed.stderr);
      // At least 25: a subtest may have told one more trial through ask/tell.
      assert.ok(trialsOf(db, "good").filter((t) => t.state === "complete").length >= 25);
    };

    it("an unknown op in a config", () => {
      const config = ALL_SKIP.replace("skip_connect~1|+", "conv_9x9~1|+");
      assertOneLineError(nascent("ask", "--storage", db, "--study", "good", "--config", config), /edges\[2\]: unknown op 'conv_9x9' \(expected one of none, skip_connect/);
      assertOneLineError(nascent("ask", "--storage", db, "--study", "good", "--config", '{"edges":["none","none","none","conv_9x9","none","none"]}'), /edges\[3\]: unknown op 'conv_9x9'/);
      assertOneLineError(nascent("evaluate", "--space", "nb201", "--benchmark", "nb201:cifar10", "--config", config), /unknown op 'conv_9x9'/);
      stillUsable();
    });

    it("a malformed space JSON", () => {
      writeFileSync(join(dir, "broken.json"), '{ "type": "object", "fields": { "a": ');
      assertOneLineError(nascent(...search.slice(0, 1), "--space", join(dir, "broken.json"), "--benchmark", "nb201:cifar10", "--storage", db), /space file '.*broken.json' is not valid JSON/);
      writeFileSync(join(dir, "wrong.json"), JSON.stringify({ type: "object", fields: { k: { type: "choice", values: [] } } }));
      assertOneLineError(nascent("space", join(dir, "wrong.json")), /space.fields.k: a choice needs at least one value/);
      stillUsable();
    });

    it("a CSV without the named column", () => {
      writeFileSync(join(dir, "t.csv"), `arch,acc\n"${ALL_SKIP}",54.3\n`);
      assertOneLineError(nascent(...search.slice(0, 3), "--benchmark", `table:${join(dir, "t.csv")}:arch:in16_test`, "--storage", db), /CSV '.*t.csv' has no column 'in16_test' \(columns: arch, acc\)/);
    });

    it("a benchmark name that does not exist", () => {
      assertOneLineError(nascent(...search.slice(0, 3), "--benchmark", "nb999:imagenet", "--storage", db, "--study", "good", "--resume"), /unknown benchmark 'nb999:imagenet'/);
      stillUsable();
    });

    it("a NaN objective value", () => {
      writeFileSync(join(dir, "nan.csv"), `arch,acc\n"${ALL_SKIP}",nan\n`);
      assertOneLineError(nascent(...search.slice(0, 3), "--benchmark", `table:${join(dir, "nan.csv")}:arch:acc`, "--storage", db), /row 2, column 'acc': 'nan' is not a finite number/);
      const asked = lastJsonLine(nascent("ask", "--storage", db, "--study", "good").stdout) as { number: number };
      assertOneLineError(nascent("tell", "--storage", db, "--study", "good", "--trial", String(asked.number), "--value", "nan"), /--value 'nan' \(for accuracy\) is not a finite decimal number; nothing was recorded/);
      assert.equal(trialsOf(db, "good").find((t) => t.number === asked.number)!.state, "running", "a refused value leaves the trial running");
      assert.equal(nascent("tell", "--storage", db, "--study", "good", "--trial", String(asked.number), "--value", "90").code, 0);
      stillUsable();
    });

    it("a study that exists, without --resume", () => {
      assertOneLineError(nascent(...search, "--storage", db, "--study", "good"), /study 'good' already exists .* pass --resume/);
    });

    it("a resume that changes the search", () => {
      assertOneLineError(nascent(...search, "--strategy", "evolution", "--storage", db, "--study", "good", "--resume"), /study 'good' was created with strategy \{"name":"random"/);
    });
  });
});
