/** Spaces at their edges: ranges too wide to sample exactly are refused at load; small spaces run out. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { writeFileSync } from "node:fs";
import { describe, it } from "node:test";
import { MemoryStorage, Study, randomSearch, spaceFromJson } from "../src/index.js";
import { Rng } from "../src/core/rng.js";
import { runCli, tempDir } from "./support.js";

describe("numeric ranges at the limits of a double", () => {
  it("refuses ints past 2^53 and floats wider than the largest double, with one line naming the field", () => {
    for (const [field, pattern] of [
      [{ type: "int", min: 0, max: 1e300 }, /x: int range \[0, 1e\+300\] goes past/],
      [{ type: "int", min: 0, max: 1e30 }, /x: int range \[0, 1e\+30\] goes past/],
      [{ type: "int", min: -(2 ** 52), max: 2 ** 53 - 1 }, /goes past/],
      [{ type: "float", min: -1e308, max: 1e308 }, /x: range \[-1e\+308, 1e\+308\] is wider than the largest double/],
    ] as const) {
      assert.throws(() => spaceFromJson({ type: "object", fields: { x: field } }), (error: Error) => pattern.test(error.message) && !error.message.includes("\n"), JSON.stringify(field));
    }
  });

  it("samples the whole of the widest exact int range and a huge log-float range", () => {
    const rng = Rng.derive("limits");
    const ints = spaceFromJson({ type: "int", min: 0, max: Number.MAX_SAFE_INTEGER });
    const draws = Array.from({ length: 200 }, () => ints.sample(rng) as number);
    assert.ok(draws.every(Number.isSafeInteger));
    assert.ok(draws.some((v) => v > 2 ** 52), "the upper half of [0, 2^53) is reached");
    const floats = spaceFromJson({ type: "float", min: 1e-300, max: 1e300, log: true });
    const values = Array.from({ length: 200 }, () => floats.sample(rng) as number);
    assert.ok(values.every((v) => Number.isFinite(v) && v >= 1e-300 && v <= 1e300));
    assert.ok(values.some((v) => v > 1e200) && values.some((v) => v < 1e-200));
  });

  it("gives the CLI a one-line error and exit 2 for such a space", () => {
    const file = join(tempDir(), "huge.json");
    writeFileSync(file, JSON.stringify({ type: "object", fields: { x: { type: "int", min: 0, max: 1e300 } } }));
    const result = runCli(["space", file, "--sample", "2"], { timeoutMs: 30_000 });
    assert.equal(result.code, 2, result.stderr);
    assert.equal(result.stderr.trim().split("\n").length, 1, result.stderr);
    assert.match(result.stderr, /^nascent: error: .*goes past/);
  });
});

describe("random search on a small space", () => {
  it("proposes each of 3 configs once and stops, asked for 10 trials", async () => {
    const space = spaceFromJson({ type: "object", fields: { op: { type: "choice", values: ["conv", "pool", "skip"] } } });
    for (const concurrency of [1, 2]) {
      const study = await Study.open({ storage: new MemoryStorage(), name: `small-${concurrency}`, space, strategy: randomSearch(), seed: 1 });
      await study.optimize({ name: "toy", metrics: [{ name: "value", direction: "maximize", description: "constant" }], checkSpace: () => {}, evaluate: async () => ({ value: 1 }) }, { trials: 10, concurrency });
      const keys = (await study.trials()).map((t) => t.key);
      assert.equal(keys.length, 3, `concurrency ${concurrency}: ${keys.join(", ")}`);
      assert.equal(new Set(keys).size, 3);
    }
  });
});
