/**
 * How the command line fails: one line `nascent: error: ...` on stderr for every error, exit 2 for bad input
 * (commander's parse errors, errors thrown inside actions, paths and ports that cannot be used), nothing stored
 * from bad input, and a closed pipe downstream is not an error.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { parseDecimal } from "../src/cli/arguments.js";
import { formatValue } from "../src/cli/output.js";
import { CLI, lastJsonLine, runCli, tempDir } from "./support.js";

const nascent = (...args: string[]) => runCli(args, { timeoutMs: 60_000 });

/** Bad input: exit 2 and exactly one stderr line in nascent's error format, matching `pattern`. */
function assertBadInput(result: ReturnType<typeof nascent>, pattern: RegExp) {
  assert.equal(result.code, 2, `exit code; stderr: ${result.stderr}`);
  const lines = result.stderr.trim().split("\n");
  assert.equal(lines.length, 1, `one line expected, got: ${result.stderr}`);
  assert.match(lines[0], /^nascent: error: /);
  assert.match(lines[0], pattern);
}

describe("the command line's errors", () => {
  const dir = tempDir();
  const storage = `sqlite:${join(dir, "s.db")}`;
  const nb201 = ["search", "--space", "nb201", "--benchmark", "nb201:cifar10", "--storage", storage];

  before(() => {
    const made = nascent(...nb201, "--trials", "300", "--study", "s", "--seed", "1");
    assert.equal(made.code, 0, made.stderr);
  });

  it("refuses a mistyped NASCENT_ENGINE or NASCENT_THREADS before any trial runs", () => {
    const withEnv = (env: Record<string, string>, ...args: string[]) => runCli(args, { env: { ...process.env, ...env }, timeoutMs: 60_000 });
    assertBadInput(withEnv({ NASCENT_ENGINE: "JAX" }, "doctor"), /NASCENT_ENGINE must be torch or jax, got 'JAX'/);
    assertBadInput(withEnv({ NASCENT_THREADS: "0" }, "doctor"), /NASCENT_THREADS must be a whole number of threads from 1 to 1024, got '0'/);
    assertBadInput(withEnv({ NASCENT_THREADS: "abc" }, ...nb201, "--study", "env1", "--trials", "3"), /NASCENT_THREADS .* got 'abc'/);
    assertBadInput(nascent("doctor", "--network", "n.json", "--batch", "0"), /--batch.*positive integer, got '0'/);
    assertBadInput(nascent("doctor", "--network", "n.json", "--input", "0x28x1"), /--input.*every size at least 1.*'0x28x1'/);
    const stored = nascent("studies", "--storage", storage, "--json");
    assert.ok(!stored.stdout.includes("env1"), "no study is created from bad input");
  });

  it("prints errors that commander's helpers throw inside an action, with exit 2", () => {
    assertBadInput(nascent(...nb201, "--study", "o1", "--strategy", "evolution", "--option", "foo=bar"), /option foo: unknown option.*population/);
    assertBadInput(nascent(...nb201, "--study", "o2", "--strategy", "evolution", "--option", "population=abc"), /population.*abc/);
  });

  it("gives commander's own parse errors the same line and exit 2", () => {
    assertBadInput(nascent("search", "--benchmark", "nb201:cifar10"), /required option '--space/);
    assertBadInput(nascent(...nb201, "--trials", "0"), /--trials.*'0'/);
    assertBadInput(nascent(...nb201, "--seed", "0x10"), /--seed.*'0x10'/);
    assertBadInput(nascent("serch"), /unknown command 'serch'/);
  });

  it("reports a folder or port that cannot be used as bad input, not as an internal error", async () => {
    assertBadInput(nascent("report", "--storage", storage, "--study", "s", "--out", join(dir, "missing", "r.html")), /missing\/r\.html: no such file or folder/);
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      assertBadInput(nascent("dashboard", "--storage", storage, "--port", String(port)), new RegExp(`:${port}: address already in use`));
    } finally {
      blocker.close();
    }
  });

  it("refuses nsga2 with one objective before creating a study", () => {
    assertBadInput(nascent(...nb201, "--study", "n1", "--strategy", "nsga2"), /nsga2.*at least 2 objectives/);
    assert.doesNotMatch(nascent("studies", "--storage", storage).stdout, /^n1 /m);
  });

  it("ends quietly when the reader closes the pipe (trials --json | head -c 100)", () => {
    const piped = spawnSync("bash", ["-c", `"${process.execPath}" "${CLI}" trials --storage ${storage} --study s --json | head -c 100 >/dev/null; echo "status \${PIPESTATUS[0]}" >&2`], { encoding: "utf8" });
    assert.equal(piped.stderr.trim(), "status 0", piped.stderr);
  });
});

describe("the command line's output", () => {
  const dir = tempDir();
  const storage = `sqlite:${join(dir, "o.db")}`;

  it("prints its version", () => {
    const { version } = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
    const result = nascent("--version");
    assert.equal(result.code, 0);
    assert.equal(result.stdout.trim(), version);
  });

  it("shows each option's default once in help", () => {
    for (const command of ["search", "tell", "dashboard"]) {
      const help = nascent(command, "--help");
      assert.equal(help.code, 0, `${command} --help: ${help.stderr}`);
      const flat = help.stdout.replace(/\n\s+/g, " ");
      assert.doesNotMatch(flat, /default: \[\]/, `${command} --help shows an empty-list default`);
      for (const option of flat.split(/\s(?=--?[a-zA-Z])/)) assert.ok((option.match(/\bdefault\b/g) ?? []).length <= 1, `${command}: ${option}`);
    }
  });

  it("prints values without float32 noise, the best trial for a person, and a hint that names the storage", () => {
    assert.equal(formatValue(0.8259999752044678), "0.826");
    assert.equal(formatValue(94.37), "94.37");
    assert.equal(formatValue(1 / 3), "0.333333333333");
    const search = nascent("search", "--space", "nb301", "--benchmark", "nb301", "--trials", "3", "--storage", storage, "--study", "h");
    assert.equal(search.code, 0, search.stderr);
    assert.match(search.stdout, new RegExp(`nascent best --storage ${storage.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")} --study h`));
    assert.doesNotMatch(search.stdout, /\d\.\d{10,}/, "a value printed with its binary tail");
    const best = nascent("best", "--storage", storage, "--study", "h");
    assert.equal(best.code, 0, best.stderr);
    assert.match(best.stdout, /^trial \d+: accuracy 0\.\d{1,9}\n/);
    assert.doesNotMatch(best.stdout, /^\{/m, "best without --json prints JSON");
  });
});

it("reads numbers only as plain decimals", () => {
  for (const bad of ["", " ", "0x10", "0b1", "abc", "Infinity", "NaN", "1e999", "1_000", "1,5"]) assert.equal(parseDecimal(bad), null, `'${bad}'`);
  for (const [text, value] of [["3", 3], ["-0.5", -0.5], [".25", 0.25], ["1e-3", 0.001], ["+7.", 7]] as const) assert.equal(parseDecimal(text), value);
});

describe("tell refuses what is not a finite number and leaves the trial running", () => {
  const dir = tempDir();
  const storage = `sqlite:${join(dir, "t.db")}`;

  it("refuses '', 0x10, abc, Infinity and a misspelt or non-numeric metric, then accepts a good value", () => {
    assert.equal(nascent("search", "--space", "nb201", "--benchmark", "nb201:cifar10", "--trials", "1", "--storage", storage, "--study", "t").code, 0);
    const asked = nascent("ask", "--storage", storage, "--study", "t");
    assert.equal(asked.code, 0, asked.stderr);
    const trial = String((lastJsonLine(asked.stdout) as { number: number }).number);
    const tell = (...args: string[]) => nascent("tell", "--storage", storage, "--study", "t", "--trial", trial, ...args);
    for (const bad of ["", "0x10", "abc"]) assertBadInput(tell("--value", bad), new RegExp(`--value '${bad}'`));
    assertBadInput(tell("--metrics", '{"acuracy": 93}'), /lacks 'accuracy'.*got acuracy/);
    const state = () => (lastJsonLine(nascent("trials", "--storage", storage, "--study", "t", "--json").stdout) as { number: number; state: string }[]).find((t) => String(t.number) === trial)?.state;
    assert.equal(state(), "running");
    const told = tell("--value", "93.5");
    assert.equal(told.code, 0, told.stderr);
    assert.equal((lastJsonLine(told.stdout) as { value: number }).value, 93.5);
  });
});
