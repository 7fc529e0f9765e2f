import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Direction } from "../src/core/objectives.js";
import { Rng } from "../src/core/rng.js";
import { nb201Benchmark } from "../src/evaluate/nb201.js";
import { macsOf } from "../src/ofa/efficiency.js";
import { ofaSpace } from "../src/ofa/space.js";
import { nb201Space } from "../src/space/builtin/nb201.js";
import type { Space } from "../src/space/space.js";
import { MemoryStorage } from "../src/storage/memory.js";
import { nsga2 } from "../src/strategy/nsga2.js";
import type { Strategy, TrialView } from "../src/strategy/strategy.js";
import { Study } from "../src/study/study.js";
import { nsga2Reference } from "./nsga2-reference.js";

const cifar10 = nb201Benchmark("cifar10");
const DIRECTIONS: readonly Direction[] = ["maximize", "minimize"];

/** Proposals of a strategy driven as `ofa search --strategy nsga2` drives it: one history array, appended to. */
async function sequential<C>(strategy: Strategy, space: Space<C>, objectives: (c: C) => [number, number], limit: number, proposals: number): Promise<string[]> {
  const history: TrialView<C>[] = [];
  const seen = new Set<string>();
  const out: string[] = [];
  for (let n = 0; n < proposals; n++) {
    const { config, note } = await strategy.propose({ space, trialNumber: n, rng: Rng.derive(3, "nsga2 cache", n), history, pending: [], seen, directions: DIRECTIONS });
    const key = space.key(config);
    const values = objectives(config);
    const violation = Math.max(0, values[1] - limit);
    history.push({ number: n, config, key, state: "complete", values, fitness: violation > 0 ? -Infinity : values[0], feasible: violation === 0, violation, intermediate: [], note: null });
    seen.add(key);
    out.push(`${key} ${JSON.stringify(note)}`);
  }
  return out;
}

/**
 * Proposals of a strategy in a study on the NB201 table, as `nascent search` runs it, with trials told out of
 * order: 12 are asked before any is told, then each tell is followed by a new ask; every 9th trial fails and
 * every 13th is told only at the very end, so some generations finish after later ones began.
 */
async function outOfOrder(strategy: Strategy, trials: number): Promise<string[]> {
  const study = await Study.open({
    storage: new MemoryStorage(),
    name: "nsga2",
    space: nb201Space,
    strategy,
    objectives: [{ metric: "accuracy", direction: "maximize" }, { metric: "params", direction: "minimize" }],
    constraints: [{ metric: "flops", op: "<=", bound: 120 }],
    seed: 11,
  });
  const rng = Rng.derive("tell order");
  const open: number[] = [];
  const late: number[] = [];
  const tell = async (number: number) => {
    const trial = (await study.trial(number))!;
    if (number % 9 === 4) await study.tellFailure(number, "diverged");
    else await study.tell(number, cifar10.lookup(nb201Space.validate(trial.config)));
  };
  for (let asked = 0; asked < trials; ) {
    while (open.length < 12 && asked < trials) open.push((await study.ask())!.number), asked++;
    const number = open.splice(rng.int(0, open.length - 1), 1)[0];
    if (number % 13 === 5) late.push(number);
    else await tell(number);
  }
  for (const number of [...open, ...late]) await tell(number);
  return (await study.trials()).map((t) => `${t.key} ${JSON.stringify(t.note)}`);
}

describe("NSGA-II's parents cached per generation", () => {
  it("proposes exactly what it proposed before the cache, and what recomputing every generation proposes: OFA's sub-networks under a MACs budget, 12 generations of 20", async () => {
    const shape = { input: [8, 8, 1] as [number, number, number], classes: 3, width: 0.75, head: 8 };
    const accuracy = (c: Parameters<typeof macsOf>[1]) => 0.5 + 0.1 * c.resolution + c.stages.reduce((a, s) => a + 0.004 * s.kernel + 0.006 * s.expand + 0.01 * s.depth, 0);
    const objectives = (c: Parameters<typeof macsOf>[1]): [number, number] => [accuracy(c), macsOf(shape, c) / 1e6];
    const strategies = [nsga2({ population: 20 }), nsga2Reference({ population: 20 }), nsga2Reference({ population: 20 }, false)];
    const [cached, before, uncached] = await Promise.all(strategies.map((s) => sequential(s, ofaSpace, objectives, 1.2, 240)));
    assert.equal(cached.length, 240);
    assert.ok(cached.slice(20).every((p) => p.includes('"parents"')), "later generations breed from parents");
    assert.deepEqual(cached, before, "the same proposals as before the cache");
    assert.deepEqual(cached, uncached);
  });

  it("proposes exactly what recomputing every generation proposes in a study told out of order, with failures and a constraint", async () => {
    const cached = await outOfOrder(nsga2({ population: 16 }), 200);
    assert.equal(cached.length, 200);
    assert.deepEqual(cached, await outOfOrder(nsga2Reference({ population: 16 }, false), 200));
    // The scenario does change earlier generations' parents late: the code before the cache, whose memo was
    // keyed by counts, kept stale parents here and proposed otherwise from generation 3 on.
    assert.notDeepEqual(cached, await outOfOrder(nsga2Reference({ population: 16 }), 200));
  });
});
