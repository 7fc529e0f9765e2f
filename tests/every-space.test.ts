import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import { MemoryStorage, Study, mobilenetSpace, nb201Space, nb301Space, s, vitSpace, type EvaluationContext, type Evaluator, type Space } from "../src/index.js";
import { resolvePruner } from "../src/pruner/registry.js";
import { STRATEGY_NAMES, defaultPruner, resolveStrategy } from "../src/strategy/registry.js";

/** Every kind of space a strategy may meet. */
const SPACES: Record<string, Space<unknown>> = {
  "edge cell (NB201)": nb201Space as Space<unknown>,
  "DARTS cell (NB301)": nb301Space as Space<unknown>,
  "object with a branch": s.object({
    block: s.branch("kind", { conv: s.object({ kernel: s.choice([3, 5, 7]), groups: s.int(1, 4) }), pool: s.object({ size: s.int(2, 3) }) }),
    residual: s.bool(),
  }) as Space<unknown>,
  repeat: s.repeat(s.object({ width: s.choice([16, 32, 64]), act: s.choice(["relu", "gelu"]) }), { min: 1, max: 4 }) as Space<unknown>,
  int: s.int(0, 200) as Space<unknown>,
  "log-float": s.float(1e-4, 1, { log: true }) as Space<unknown>,
  mobilenet: mobilenetSpace as Space<unknown>,
  vit: vitSpace as Space<unknown>,
};

/**
 * Settings that reach every strategy's model phase within 30 trials yet keep the suite fast: the GP and
 * MLP-ensemble strategies model only the last 10 trials (their cost grows with the encoding's width).
 */
const OPTIONS: Record<string, Record<string, number | string>> = {
  bananas: { ensemble: 2, startup: 20 },
  gp: { startup: 20 },
  "bohb-gp": { candidates: 16 },
  tpe: { startup: 8 },
  evolution: { population: 8, tournament: 3 },
  nsga2: { population: 8 },
  reinforce: { batch: 5 },
  ppo: { batch: 5 },
};
const STEPS = 9;

function hashValue(key: string, salt: string): number {
  return createHash("sha256").update(salt).update(key).digest().readUInt32BE(0) / 2 ** 32;
}

/** A deterministic landscape over any space: a config's value is a hash of its key, reported along a curve. */
function evaluatorFor(space: Space<unknown>): Evaluator {
  return {
    name: "hash-landscape",
    metrics: [
      { name: "score", direction: "maximize", description: "hash of the key in [0, 1)" },
      { name: "cost", direction: "minimize", description: "another hash of the key" },
    ],
    maxStep: STEPS,
    checkSpace: () => undefined,
    async evaluate(config: unknown, context: EvaluationContext) {
      const key = space.key(config);
      const score = hashValue(key, "score");
      for (let step = 1; step <= STEPS; step++) {
        await context.report(step, score * (1 - 0.5 ** step));
        if (context.shouldPrune()) break;
      }
      return { score, cost: hashValue(key, "cost") };
    },
  };
}

async function run(strategy: string, space: Space<unknown>, concurrency: number): Promise<{ keys: string[]; states: string[] }> {
  const evaluator = evaluatorFor(space);
  const objectives = strategy === "nsga2"
    ? [{ metric: "score", direction: "maximize" as const }, { metric: "cost", direction: "minimize" as const }]
    : [{ metric: "score", direction: "maximize" as const }];
  const study = await Study.open({
    storage: new MemoryStorage(),
    name: "every-space",
    space,
    strategy: resolveStrategy(strategy, OPTIONS[strategy] ?? {}),
    pruner: resolvePruner(defaultPruner(strategy), evaluator),
    objectives,
    seed: 11,
  });
  await study.optimize(evaluator, { totalTrials: 30, concurrency });
  const trials = await study.trials();
  for (const t of trials) assert.doesNotThrow(() => space.validate(t.config), `${strategy} proposed an invalid config: ${t.key}`);
  return { keys: trials.map((t) => t.key), states: trials.map((t) => t.state) };
}

describe("every registered strategy on every kind of space", () => {
  for (const [spaceName, space] of Object.entries(SPACES)) {
    it(`proposes valid configs on the ${spaceName} space at concurrency 1 and 3, and replays them exactly`, async () => {
      for (const strategy of STRATEGY_NAMES) {
        if (strategy === "grid" && space.size() > 100_000) {
          await assert.rejects(run(strategy, space, 1), /grid limit|cannot be enumerated/, `grid on ${spaceName}`);
          continue;
        }
        // Replay at concurrency 1 is the trajectories test's (NB201, NB301); here the windowed history of concurrency 3.
        const serial = await run(strategy, space, 1);
        const parallel = await run(strategy, space, 3);
        for (const [concurrency, result] of [[1, serial], [3, parallel]] as const) {
          const live = result.states.filter((st) => st !== "failed").length;
          assert.ok(live >= Math.min(30, space.size()), `${strategy} at concurrency ${concurrency}: ${result.states.join(",")}`);
        }
        assert.deepEqual(await run(strategy, space, 3), parallel, `${strategy} at concurrency 3 does not replay`);
      }
    });
  }
});
