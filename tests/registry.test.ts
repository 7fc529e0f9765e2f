import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError, MemoryStorage, Study, nb201Benchmark, nb201Space, s, type Strategy } from "../src/index.js";
import { PRUNERS } from "../src/pruner/registry.js";
import { option, options } from "../src/space/options.js";
import { PRESETS, STRATEGIES, resolveStrategy } from "../src/strategy/registry.js";
import { runCli } from "./support.js";

const cifar10 = nb201Benchmark("cifar10");

async function keys(strategy: Strategy, trials = 13): Promise<string[]> {
  // Multi-objective strategies (NSGA-II) refuse a single objective: give them accuracy and FLOPs.
  const objectives = [{ metric: "accuracy", direction: "maximize" as const }, ...((strategy.minObjectives ?? 1) > 1 ? [{ metric: "flops", direction: "minimize" as const }] : [])];
  const study = await Study.open({ storage: new MemoryStorage(), name: "r", space: nb201Space, strategy, objectives, seed: 3 });
  await study.optimize(cifar10, { totalTrials: trials });
  return (await study.trials()).map((t) => t.key);
}

describe("the registry", () => {
  it("lists the defaults each strategy really uses: every documented default given explicitly changes nothing", async () => {
    // A 5-MLP ensemble takes seconds to train: BANANAS's other defaults are checked with a 2-MLP one.
    const fixed: Record<string, Record<string, number>> = { bananas: { ensemble: 2 } };
    for (const entry of STRATEGIES.list()) {
      const defaults = Object.fromEntries(entry.options.docs.filter((d) => d.default !== undefined).map((d) => [d.name, d.default!]));
      if (Object.keys(defaults).length === 0 || PRESETS.some((p) => p.name === entry.name)) continue;
      const given = fixed[entry.name] ?? {};
      // Population-based strategies start evolving only after their first population (50).
      const trials = ["evolution", "nsga2"].includes(entry.name) ? 60 : 13;
      assert.deepEqual(await keys(resolveStrategy(entry.name, { ...defaults, ...given }), trials), await keys(resolveStrategy(entry.name, given), trials), entry.name);
    }
  });

  it("refuses a misspelt option, naming the valid ones and the nearest", () => {
    assert.throws(() => resolveStrategy("evolution", { populaton: 5 }), /strategy 'evolution' option populaton: unknown option \(did you mean 'population'\?\); valid options: population, tournament/);
    assert.throws(() => resolveStrategy("random", { population: 5 }), /it takes no options/);
    assert.throws(() => PRUNERS.create("median", { warmup: 2 }, { name: "x" }), /did you mean 'warmupSteps'/);
  });

  it("reports every bad option at once, each with its path and code", () => {
    try {
      resolveStrategy("evolution", { population: "abc", tournament: 0, extra: 1 });
      assert.fail("accepted bad options");
    } catch (error) {
      assert.ok(error instanceof ConfigError);
      assert.deepEqual(error.issues.map((i) => [i.path, i.code]), [
        ["strategy 'evolution' option extra", "unrecognized_key"],
        ["strategy 'evolution' option population", "invalid_type"],
        ["strategy 'evolution' option tournament", "out_of_range"],
      ]);
    }
  });

  it("types options from their declaration", () => {
    const schema = options({ warp: option(s.choice(["copula", "none"]), "copula", "w"), n: option(s.int(1, 9), 3, "n") });
    const parsed: { warp?: "copula" | "none"; n?: number } = schema.parse({ warp: "none" }, "x");
    assert.deepEqual(parsed, { warp: "none" });
    assert.deepEqual(schema.docs.map((d) => [d.name, d.type, d.default]), [["warp", 'one of "copula", "none"', "copula"], ["n", "int in [1, 9]", 3]]);
  });

  it("pairs each multi-fidelity preset with a sampler and a pruner, and keeps the preset's name for the study", () => {
    for (const preset of PRESETS) {
      assert.ok(STRATEGIES.has(preset.sampler) && PRUNERS.has(preset.pruner), preset.name);
      assert.equal(resolveStrategy(preset.name).name, preset.name);
    }
  });

  it("validation reports every problem of a config, not the first", () => {
    const space = s.object({ width: s.int(1, 8), ops: s.list(s.choice(["conv", "pool"]), 2) });
    const result = (() => {
      try {
        space.validate({ width: 9, ops: ["conv", "skip"], depth: 3 });
      } catch (error) {
        return error as ConfigError;
      }
      return null;
    })();
    assert.ok(result instanceof ConfigError);
    assert.deepEqual(result.issues.map((i) => [i.path, i.code]), [["width", "out_of_range"], ["ops[1]", "invalid_value"], ["depth", "unrecognized_key"]]);
  });

  it("nascent list prints every entry with its options; a misspelt --option exits 2 with every problem on stderr", () => {
    const listed = runCli(["list", "strategies"]);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /evolution .*\n\s+population: int in \[2, 1000000\] \(default 50\)/);
    assert.match(listed.stdout, /bohb .*preset: mfbo model=tpe \+ --pruner hyperband/);
    const bad = runCli(["search", "--space", "nb201", "--benchmark", "nb201:cifar10", "--storage", "memory:", "--strategy", "evolution", "--option", "populaton=5", "--option", "tournament=abc"]);
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /option populaton: unknown option \(did you mean 'population'\?\)/);
    assert.match(bad.stderr, /option tournament: expected an integer, got 'abc'/);
  });
});
