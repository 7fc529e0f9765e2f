import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { lastJsonLine, runCli, tempDir } from "./support.js";

const nascent = (...args: string[]) => runCli(args);

describe("a resumed search says why it runs fewer trials than asked", () => {
  it("names a trial handed out by ask and never told, and how to release it; released, the budget is met", () => {
    const storage = `sqlite:${join(tempDir(), "held.db")}`;
    const search = ["search", "--space", "nb201", "--benchmark", "nb201:cifar10", "--storage", storage, "--study", "held", "--seed", "1"];
    assert.equal(nascent(...search, "--trials", "3").code, 0);
    const asked = nascent("ask", "--storage", storage, "--study", "held");
    assert.equal(asked.code, 0, asked.stderr);
    const { number } = lastJsonLine<{ number: number }>(asked.stdout);
    const resumed = nascent(...search, "--trials", "5", "--resume", "--json");
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(lastJsonLine<{ trials: number }>(resumed.stdout).trials, 4, "the abandoned trial holds the fifth place");
    assert.match(resumed.stderr, new RegExp(`trial ${number} of 'held' was handed out by 'nascent ask' and never told`));
    assert.match(resumed.stderr, new RegExp(`nascent tell --storage ${storage} --study held --trial ${number} --failed abandoned`));

    assert.equal(nascent("tell", "--storage", storage, "--study", "held", "--trial", String(number), "--failed", "abandoned").code, 0);
    const released = nascent(...search, "--trials", "5", "--resume", "--json");
    assert.equal(lastJsonLine<{ trials: number }>(released.stdout).trials, 5);
    assert.doesNotMatch(released.stderr, /never told/);

    const nothing = nascent(...search, "--trials", "3", "--resume", "--json");
    assert.equal(nothing.code, 0);
    assert.match(nothing.stderr, /already holds 5 trials \(--trials 3\): nothing to run/);
  });

  it("lets ask hold a trial for a shorter lease", () => {
    const storage = `sqlite:${join(tempDir(), "lease.db")}`;
    assert.equal(nascent("search", "--space", "nb201", "--benchmark", "nb201:cifar10", "--storage", storage, "--study", "s", "--trials", "1").code, 0);
    const asked = nascent("ask", "--storage", storage, "--study", "s", "--lease", "0.001");
    assert.equal(asked.code, 0, asked.stderr);
    const resumed = nascent("search", "--space", "nb201", "--benchmark", "nb201:cifar10", "--storage", storage, "--study", "s", "--trials", "2", "--resume", "--json");
    assert.equal(lastJsonLine<{ trials: number }>(resumed.stdout).trials, 2, "the expired ask was failed and its place reused");
  });
});
