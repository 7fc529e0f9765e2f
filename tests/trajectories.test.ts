import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import {
  MemoryStorage,
  Nb301Evaluator,
  STRATEGY_NAMES,
  Study,
  nb201Benchmark,
  nb201Space,
  nb301Space,
  resolvePruner,
  resolveStrategy,
  type EvaluationContext,
  type Evaluator,
  type Nb201Config,
  type ObjectiveSpec,
} from "../src/index.js";
import { defaultPruner } from "../src/strategy/registry.js";

/**
 * The trials every registered strategy proposes on NB201 and NB301 with a fixed seed, recorded once
 * (`NASCENT_RECORD_TRAJECTORIES=1`, before the restructuring of issue 12) and replayed here: a refactoring that changes any search's behaviour
 * changes a key, a state or a value below. Values are rounded to 6 significant digits so the ONNX
 * surrogate's last bits on another CPU do not matter; the keys would not survive a real change.
 */
const FIXTURE = fileURLToPath(new URL("../../tests/fixtures/trajectories.json", import.meta.url));
const TRIALS = 30;
const SEED = 7;

/** Small options so that every model-based phase starts within 30 trials. */
const OPTIONS: Record<string, Record<string, number>> = {
  evolution: { population: 10, tournament: 3 },
  nsga2: { population: 10 },
  bananas: { ensemble: 2, startup: 8 },
  gp: { startup: 8 },
  tpe: { startup: 8 },
  reinforce: { batch: 5 },
  ppo: { batch: 5 },
};

const cifar10 = nb201Benchmark("cifar10");
const CURVE_EPOCHS = 27;
/** NB201 accuracy along a deterministic learning curve, so pruners have reports to act on. */
const nb201Curves: Evaluator = {
  name: "nb201-curves",
  metrics: cifar10.metrics,
  maxStep: CURVE_EPOCHS,
  checkSpace: () => undefined,
  async evaluate(config: unknown, context: EvaluationContext) {
    const final = cifar10.lookup(config as Nb201Config);
    for (let epoch = 1; epoch <= CURVE_EPOCHS; epoch++) {
      await context.report(epoch, final.accuracy * (1 - 0.6 ** epoch));
      if (context.shouldPrune()) break;
    }
    return final;
  },
};

interface Case {
  name: string;
  strategy: string;
  pruner: string;
  bench: "nb201" | "nb301";
  concurrency: number;
}

function cases(): Case[] {
  const all: Case[] = [];
  for (const strategy of STRATEGY_NAMES) {
    const pruner = defaultPruner(strategy);
    // The grid over NB301's 1e18 cells is refused by design.
    for (const bench of ["nb201", "nb301"] as const) if (strategy !== "grid" || bench === "nb201") all.push({ name: `${strategy} on ${bench}`, strategy, pruner, bench, concurrency: 1 });
    all.push({ name: `${strategy} on nb201, concurrency 3`, strategy, pruner, bench: "nb201", concurrency: 3 });
  }
  for (const strategy of ["random", "tpe"]) all.push({ name: `${strategy} under the median pruner on nb301`, strategy, pruner: "median", bench: "nb301", concurrency: 1 });
  return all;
}

type Row = [key: string, state: string, value: string | null, lastStep: number | null];

let nb301: Nb301Evaluator | undefined;
let nb301Curve: Nb301Evaluator | undefined;

async function trajectory(c: Case): Promise<Row[]> {
  const multiFidelity = c.pruner !== "none";
  let evaluator: Evaluator;
  if (c.bench === "nb201") evaluator = multiFidelity ? nb201Curves : cifar10;
  else evaluator = multiFidelity ? (nb301Curve ??= await Nb301Evaluator.load(undefined, true)) : (nb301 ??= await Nb301Evaluator.load());
  const second = c.bench === "nb201" ? "params" : "runtime_s";
  const objectives: ObjectiveSpec[] = c.strategy === "nsga2"
    ? [{ metric: "accuracy", direction: "maximize" }, { metric: second, direction: "minimize" }]
    : [{ metric: "accuracy", direction: "maximize" }];
  const options = OPTIONS[c.strategy] ?? {};
  const study = await Study.open({
    storage: new MemoryStorage(),
    name: c.name,
    space: (c.bench === "nb201" ? nb201Space : nb301Space) as typeof nb201Space,
    strategy: resolveStrategy(c.strategy, options),
    strategyOptions: options,
    pruner: resolvePruner(c.pruner, evaluator),
    objectives,
    seed: SEED,
  });
  await study.optimize(evaluator, { totalTrials: TRIALS, concurrency: c.concurrency });
  return (await study.trials()).map((t) => [
    // NB301 keys are long; a digest of the key detects any other architecture as surely.
    c.bench === "nb201" ? t.key : createHash("sha256").update(t.key).digest("hex").slice(0, 20),
    t.state,
    t.values ? t.values.map((v) => Number(v.toPrecision(6))).join(",") : null,
    t.intermediate.at(-1)?.step ?? null,
  ]);
}

describe("recorded trajectories (the same seed gives the same trials)", async () => {
  if (process.env.NASCENT_RECORD_TRAJECTORIES) {
    // Records the cases not yet recorded (a new strategy); a recorded trajectory is never rewritten.
    const recorded = JSON.parse(readFileSync(FIXTURE, "utf8")) as Record<string, Row[]>;
    for (const c of cases()) recorded[c.name] ??= await trajectory(c);
    const entries = Object.entries(recorded).map(([name, rows]) => `${JSON.stringify(name)}: [\n${rows.map((r) => JSON.stringify(r)).join(",\n")}\n]`);
    writeFileSync(FIXTURE, `{\n${entries.join(",\n")}\n}\n`);
  }
  const fixture = JSON.parse(readFileSync(FIXTURE, "utf8")) as Record<string, Row[]>;

  it("covers every registered strategy on both benchmarks", () => {
    for (const c of cases()) assert.ok(c.name in fixture, `no recorded trajectory for ${c.name}`);
  });

  for (const c of cases()) {
    it(`${c.name} (pruner ${c.pruner}) replays its ${TRIALS} recorded trials`, async () => {
      const expected = fixture[c.name];
      assert.ok(expected, `no recorded trajectory for ${c.name}`);
      assert.deepEqual(await trajectory(c), expected);
    });
  }

  it("closes the surrogate", async () => {
    await nb301?.close();
    await nb301Curve?.close();
  });
});
