/**
 * A trial's programs end with the trial, and what they print cannot break nascent: every way a trial ends
 * (result, failure, timeout, prune, nascent stopping) ends the whole process group; NaN and Infinity are named,
 * not mistaken for a missing result; a line longer than the cap passes through without being held in memory.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { CommandEvaluator } from "../src/evaluate/command.js";
import type { EvaluationContext } from "../src/evaluate/evaluator.js";
import { LineSplitter } from "../src/evaluate/protocol/lines.js";
import { parseProtocolLine } from "../src/evaluate/protocol/messages.js";
import { Rng } from "../src/core/rng.js";
import { tempDir } from "./support.js";

const RESULT = `echo '{"nascent":"result","value":1}'`;

function context(options: { signal?: AbortSignal; pruneAfter?: number } = {}): EvaluationContext {
  let reports = 0;
  return {
    trialNumber: 0,
    rng: Rng.derive("lifetime"),
    report: async () => {
      reports++;
    },
    shouldPrune: () => options.pruneAfter !== undefined && reports >= options.pruneAfter,
    signal: options.signal ?? new AbortController().signal,
  };
}

/** True while the process exists and is not a zombie waiting for a parent that will never reap it. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, "utf8") : "";
  return !/^\d+ \(.*\) Z/.test(stat);
}

async function assertEnds(pidFile: string, withinMs: number): Promise<void> {
  const pid = Number(readFileSync(pidFile, "utf8").trim());
  assert.ok(pid > 0, `no pid in ${pidFile}`);
  const deadline = Date.now() + withinMs;
  while (alive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(alive(pid), false, `background process ${pid} outlived its trial`);
}

/** Settles `promise` or fails the test after `ms` (a hung trial must not hang the suite). */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} still running after ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

describe("a trial's processes end with the trial", () => {
  const dir = tempDir();
  const sleeper = (name: string) => `sleep 1000 & echo $! > ${join(dir, name)}`;

  it("when the program prints its result and leaves a child holding stdout", async () => {
    const evaluator = new CommandEvaluator(`${sleeper("result.pid")}; ${RESULT}`, { killGrace: 1 });
    assert.deepEqual(await within(evaluator.evaluate({}, context()), 5000, "the trial"), { value: 1 });
    await assertEnds(join(dir, "result.pid"), 3000);
  });

  it("when the program exits without a result and its child has let go of stdout", async () => {
    const evaluator = new CommandEvaluator(`sleep 1000 >/dev/null 2>&1 & echo $! > ${join(dir, "quiet.pid")}`, { killGrace: 1 });
    await assert.rejects(within(evaluator.evaluate({}, context()), 5000, "the trial"), /exited without printing/);
    await assertEnds(join(dir, "quiet.pid"), 3000);
  });

  it("when it runs past --trial-timeout, even after the shell has exited", async () => {
    const evaluator = new CommandEvaluator(`(trap '' TERM; sleep 1000) & echo $! > ${join(dir, "stubborn.pid")}; sleep 1000`, { trialTimeout: 0.5, killGrace: 0.5 });
    await assert.rejects(within(evaluator.evaluate({}, context()), 5000, "the trial"), /--trial-timeout 0.5 s/);
    await assertEnds(join(dir, "stubborn.pid"), 3000);
  });

  it("when nascent is stopped (the abort signal)", async () => {
    const controller = new AbortController();
    const evaluator = new CommandEvaluator(`${sleeper("abort.pid")}; wait`, { killGrace: 1 });
    const trial = evaluator.evaluate({}, context({ signal: controller.signal }));
    setTimeout(() => controller.abort(), 300);
    await assert.rejects(within(trial, 5000, "the trial"), /interrupted/);
    await assertEnds(join(dir, "abort.pid"), 3000);
  });

  it("when the pruner stops it: the program never reaches its end", async () => {
    const marker = join(dir, "reached-the-end");
    const program = `echo '{"nascent":"report","step":1,"value":0.1}'; sleep 3; touch ${marker}; ${RESULT}`;
    const evaluator = new CommandEvaluator(program, { killGrace: 1 });
    await within(evaluator.evaluate({}, context({ pruneAfter: 1 })), 5000, "the pruned trial");
    await new Promise((resolve) => setTimeout(resolve, 3500));
    assert.equal(existsSync(marker), false, "a pruned program ran on to its end");
  });
});

describe("what a trial program prints", () => {
  it("names NaN and Infinity instead of reporting a missing result", async () => {
    for (const [line, named] of [
      ['{"nascent": "result", "value": NaN}', /value NaN is not a finite number/],
      ['{"nascent": "result", "value": -Infinity}', /value -Infinity is not a finite number/],
      ['{"nascent": "result", "value": null}', /value null is not a finite number/],
      ['{"nascent": "result", "value": 1, "metrics": {"loss": Infinity}}', /metric 'loss' is Infinity/],
      ['{"nascent": "report", "step": 1, "value": NaN}', /bad report line: value NaN/],
    ] as const) {
      assert.match(String(parseProtocolLine(line)), named, line);
      const evaluator = new CommandEvaluator(`echo '${line}'`);
      await assert.rejects(evaluator.evaluate({}, context()), named);
    }
  });

  it("holds at most the cap of one line and passes longer ones through, still reading the lines after", () => {
    const lines: string[] = [];
    let passedThrough = 0;
    const splitter = new LineSplitter((line) => lines.push(line), (text) => (passedThrough += text.length), 1000);
    const chunk = Buffer.alloc(4096, "x");
    for (let i = 0; i < 1000; i++) splitter.push(chunk); // a 4 MB line, in pieces
    splitter.push(Buffer.from('\n{"nascent":"result","value":2}\n'));
    splitter.end();
    assert.deepEqual(lines, ['{"nascent":"result","value":2}']);
    assert.equal(passedThrough, 4096 * 1000 + 1);
  });

  it("completes a trial whose program prints a 64 MB line before its result", async () => {
    const dir = tempDir();
    const program = join(dir, "long-line.cjs");
    writeFileSync(program, `process.stdout.write("y".repeat(64 << 20) + "\\n"); console.log(JSON.stringify({ nascent: "result", value: 3 }));`);
    const evaluator = new CommandEvaluator(`"${process.execPath}" "${program}" 2>/dev/null`);
    const stderrWrite = process.stderr.write.bind(process.stderr);
    let passed = 0;
    process.stderr.write = ((text: string | Uint8Array) => ((passed += text.length), true)) as typeof process.stderr.write;
    try {
      assert.deepEqual(await within(evaluator.evaluate({}, context()), 20_000, "the trial"), { value: 3 });
    } finally {
      process.stderr.write = stderrWrite;
    }
    assert.equal(passed, (64 << 20) + 1, "the long line is passed through whole");
  });
});
