import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError, Rng, nb301Space, s, spaceFromJson, type Infer, type Space } from "../src/index.js";

const blockSpace = s.object({
  stages: s.repeat(s.object({ kernel: s.choice([3, 5, 7]), expand: s.choice([3, 4, 6]) }), { min: 2, max: 4 }),
  width: s.float(0.5, 1.5),
  lr: s.float(1e-4, 1e-1, { log: true }),
  layers: s.int(1, 8),
  residual: s.bool(),
  optimizer: s.branch("type", {
    sgd: s.object({ momentum: s.float(0, 0.99) }),
    adam: s.object({ beta1: s.float(0.8, 0.999) }),
  }),
});
type BlockConfig = Infer<typeof blockSpace>;

// Compile-time facts: these assignments only type-check if inference is exact.
const typed: BlockConfig = {
  stages: [{ kernel: 3, expand: 6 }, { kernel: 7, expand: 4 }],
  width: 1,
  lr: 0.01,
  layers: 3,
  residual: true,
  optimizer: { type: "adam", beta1: 0.9 },
};
// @ts-expect-error kernel 9 is not a choice
const wrongKernel: BlockConfig["stages"][number] = { kernel: 9, expand: 3 };
void wrongKernel;
// @ts-expect-error adam has no momentum: the branch's cases are a discriminated union
const wrongCase: BlockConfig["optimizer"] = { type: "adam", momentum: 0.9 };
void wrongCase;
const cells = s.object({
  cell: s.cell({ nodes: 4, ops: ["none", "skip_connect", "nor_conv_3x3"] }),
  darts: s.cell({ style: "darts", nodes: 4, inputs: 2, ops: ["sep_conv_3x3", "max_pool_3x3"] }),
});
// @ts-expect-error the cell's ops are inferred as a union of literals
const wrongOp: Infer<typeof cells>["cell"] = { edges: ["conv_9x9"] };
// @ts-expect-error so are the DARTS cell's
const wrongDartsOp: Infer<typeof cells>["darts"] = { nodes: [[{ input: 0, op: "conv_9x9" }]] };
void wrongOp;
void wrongDartsOp;

describe("search-space DSL", () => {
  it("samples configs that validate, with the inferred shape", () => {
    const rng = Rng.derive("dsl", 1);
    for (let i = 0; i < 200; i++) {
      const config = blockSpace.sample(rng);
      assert.doesNotThrow(() => blockSpace.validate(config));
      assert.ok(config.stages.length >= 2 && config.stages.length <= 4);
      if (config.optimizer.type === "sgd") assert.ok(!("beta1" in config.optimizer));
    }
    assert.deepEqual(blockSpace.validate(typed), typed);
  });

  it("names the exact path of an invalid value", () => {
    const bad = structuredClone(typed) as unknown as { stages: { kernel: number }[] };
    bad.stages[1].kernel = 9;
    assert.throws(() => blockSpace.validate(bad), (e: unknown) => e instanceof ConfigError && e.message === "stages[1].kernel: unknown value 9 (expected one of 3, 5, 7)");
    assert.throws(() => blockSpace.validate({ ...typed, lr: 1 }), /^ConfigError: lr: 1 is outside \[0\.0001, 0\.1\]$/);
    assert.throws(() => blockSpace.validate({ ...typed, optimizer: { type: "adam", momentum: 0.9 } }), /optimizer.beta1: missing/);
    assert.throws(() => blockSpace.validate({ ...typed, optimizer: { type: "rmsprop" } }), /optimizer.type: unknown case 'rmsprop'/);
    assert.throws(() => blockSpace.validate({ ...typed, extra: 1 }), /extra: unexpected field/);
    assert.throws(() => blockSpace.validate({ ...typed, stages: [] }), /stages: has 0 items, expected 2 to 4/);
    assert.throws(() => blockSpace.validate({ ...typed, layers: 2.5 }), /layers: expected an integer, got 2.5/);
  });

  it("round-trips the space and its configs through JSON", () => {
    const rebuilt = spaceFromJson(JSON.parse(JSON.stringify(blockSpace.toJson())));
    assert.deepEqual(rebuilt.toJson(), blockSpace.toJson());
    const rng = Rng.derive("json", 2);
    for (let i = 0; i < 50; i++) {
      const config = blockSpace.sample(rng);
      const back = rebuilt.validate(JSON.parse(JSON.stringify(config)));
      assert.equal(rebuilt.key(back), blockSpace.key(config));
      assert.deepEqual(rebuilt.encode(back), blockSpace.encode(config));
    }
  });

  it("rejects malformed space JSON with the path of the problem", () => {
    assert.throws(() => spaceFromJson({ type: "object", fields: { a: { type: "chioce", values: [1] } } }), /space.fields.a.type: unknown space type 'chioce'/);
    assert.throws(() => spaceFromJson({ type: "int", min: 5, max: "9" }), /space.max: expected a number, got '9'/);
    assert.throws(() => spaceFromJson({ type: "float", min: 0, max: 1, log: true }), /space: a log-scale range needs min > 0/);
    assert.throws(() => spaceFromJson([1, 2]), /space: expected a space object/);
  });

  it("mutates exactly one decision and lists one-decision neighbours", () => {
    const space = s.object({ a: s.choice(["x", "y", "z"]), b: s.int(0, 4), c: s.list(s.choice([1, 2]), 3) });
    const rng = Rng.derive("mutate", 3);
    const start = space.defaultValue();
    const encodingDistance = (u: number[], v: number[]) => u.reduce((n, x, i) => n + (x !== v[i] ? 1 : 0), 0);
    for (let i = 0; i < 100; i++) {
      const child = space.mutate(start, rng);
      assert.notEqual(space.key(child), space.key(start));
      assert.ok(encodingDistance(space.encode(child), space.encode(start)) <= 2, "one choice flips two one-hot bits, one int moves one entry");
    }
    const neighbors = space.neighbors(start);
    assert.equal(neighbors.length, 2 + 1 + 3);
    assert.equal(new Set(neighbors.map((n) => space.key(n))).size, neighbors.length);
  });

  it("enumerates finite spaces and refuses ones larger than the grid limit", () => {
    const space = s.object({ a: s.choice(["x", "y", "z"]), b: s.int(0, 8, { step: 2 }), c: s.repeat(s.bool(), { min: 0, max: 2 }) });
    assert.equal(space.size(), 3 * 5 * (1 + 2 + 4));
    const grid = space.grid();
    assert.equal(grid.length, space.size());
    assert.equal(new Set(grid.map((c) => space.key(c))).size, grid.length);
    assert.throws(() => s.list(s.choice([1, 2, 3, 4]), 12).grid(1000), /1\.68e\+7 configurations, more than the grid limit of 1000/);
    assert.throws(() => s.float(0, 1).grid(), /infinitely many/);
    assert.deepEqual(s.float(1, 100, { log: true, gridPoints: 3 }).grid().map((v) => Math.round(v)), [1, 10, 100]);
  });

  it("encodes every config to a vector of the same length, inactive branches as zeros", () => {
    const rng = Rng.derive("encode", 4);
    const lengths = new Set<number>();
    for (let i = 0; i < 100; i++) lengths.add(blockSpace.encode(blockSpace.sample(rng)).length);
    assert.deepEqual([...lengths], [blockSpace.encodingLength()]);
  });

  it("gives equal keys exactly to equal configs, whatever the field order", () => {
    const space = s.object({ a: s.int(0, 3), b: s.choice(["u", "v"]) });
    assert.equal(space.key({ a: 1, b: "u" }), space.key({ b: "u", a: 1 } as { a: number; b: "u" | "v" }));
    assert.notEqual(space.key({ a: 1, b: "u" }), space.key({ a: 2, b: "u" }));
  });

  it("rebuilds any config decision by decision from its own active decisions (define-by-run)", () => {
    const rng = Rng.derive("suggest", 6);
    for (const space of [blockSpace, nb301Space] as Space<unknown>[]) {
      for (let i = 0; i < 100; i++) {
        const config = space.sample(rng);
        const decisions = new Map<string, string | number | boolean>();
        space.decisions(config, "", decisions);
        const asked: string[] = [];
        const rebuilt = space.suggest((path) => {
          asked.push(path);
          return decisions.get(path)!;
        }, "");
        assert.equal(space.key(rebuilt), space.key(config));
        assert.deepEqual(asked.sort(), [...decisions.keys()].sort(), "exactly the active decisions are asked for");
      }
    }
  });

  it("asks NB301's DARTS cells for the ConfigSpace's 34 hyperparameters at most", () => {
    const decisions = new Map<string, string | number | boolean>();
    nb301Space.decisions(nb301Space.sample(Rng.derive("nb301-decisions", 0)), "", decisions);
    assert.equal(decisions.size, 2 * (3 + 4 * 2)); // per cell: 3 input sets + 8 active ops
  });

  it("samples log-scale floats uniformly in log space", () => {
    const lr = s.float(1e-4, 1, { log: true });
    const rng = Rng.derive("log", 5);
    const belowCentre = Array.from({ length: 4000 }, () => lr.sample(rng)).filter((v) => v < 1e-2).length;
    assert.ok(Math.abs(belowCentre / 4000 - 0.5) < 0.03, `half the draws should fall below 1e-2, got ${belowCentre / 4000}`);
  });
});
