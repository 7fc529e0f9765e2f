/**
 * What NSGA-II's per-generation parent cache saves: the strategy's own time (its proposals, objectives and
 * storage excluded) over `population x generations` proposals, before the cache (tests/nsga2-reference.ts,
 * the code at 635c61a) and after it, in the same process, on the two paths that run it:
 *   ofa    `ofa search --strategy nsga2`'s loop (nsga2Front: one history array, nothing stored), over the
 *          once-for-all space with a made-up accuracy and the MACs of a small shape as the two objectives;
 *   study  `nascent search --strategy nsga2`'s loop (Study ask/tell on in-memory storage), the same objectives.
 * Both must propose the same configs. Writes JSON (default docs/bench/nsga2-cache.json) and prints a table.
 * Run: npm run build && node dist/bench/nsga2-cache.js [--population 100] [--generations 100] [--out FILE]
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { Rng } from "../src/core/rng.js";
import type { Direction } from "../src/core/objectives.js";
import { macsOf } from "../src/ofa/efficiency.js";
import type { OfaConfig } from "../src/ofa/network.js";
import { ofaSpace, type OfaSpaceConfig } from "../src/ofa/space.js";
import { MemoryStorage } from "../src/storage/memory.js";
import { nsga2 } from "../src/strategy/nsga2.js";
import type { Strategy, StrategyContext, TrialView } from "../src/strategy/strategy.js";
import { Study } from "../src/study/study.js";
import { nsga2Reference } from "../tests/nsga2-reference.js";

const { values: args } = parseArgs({ options: { population: { type: "string", default: "100" }, generations: { type: "string", default: "100" }, out: { type: "string", default: "docs/bench/nsga2-cache.json" } } });
const population = Number(args.population);
const generations = Number(args.generations);
const DIRECTIONS: readonly Direction[] = ["maximize", "minimize"];
const SHAPE = { input: [28, 28, 1] as [number, number, number], classes: 10, width: 1, head: 64 };
const accuracy = (c: OfaConfig) => 0.5 + 0.1 * c.resolution + c.stages.reduce((a, s) => a + 0.004 * s.kernel + 0.006 * s.expand + 0.01 * s.depth, 0);
const objectives = (c: OfaConfig): [number, number] => [accuracy(c), macsOf(SHAPE, c) / 1e6];
const LIMIT = objectives(ofaSpace.sample(Rng.derive("nsga2 cache limit")))[1];

interface Timed {
  strategy: Strategy;
  wallMs: number;
  cpuMs: number;
}

/** The strategy with a stopwatch around its proposals: wall time and this process's CPU time. */
function timed(inner: Strategy): Timed {
  const t: Timed = { strategy: inner, wallMs: 0, cpuMs: 0 };
  t.strategy = {
    name: inner.name,
    minObjectives: inner.minObjectives,
    async propose<C>(context: StrategyContext<C>) {
      const [wall, cpu] = [performance.now(), process.cpuUsage()];
      const proposal = await inner.propose(context);
      const used = process.cpuUsage(cpu);
      t.wallMs += performance.now() - wall;
      t.cpuMs += (used.user + used.system) / 1000;
      return proposal;
    },
  };
  return t;
}

async function ofaLoop(t: Timed): Promise<string[]> {
  const history: TrialView<OfaSpaceConfig>[] = [];
  const seen = new Set<string>();
  for (let n = 0; n < population * generations; n++) {
    const { config } = await t.strategy.propose({ space: ofaSpace, trialNumber: n, rng: Rng.derive(0, "ofa nsga2", n), history, pending: [], seen, directions: DIRECTIONS });
    const key = ofaSpace.key(config);
    const values = objectives(config);
    const violation = Math.max(0, values[1] - LIMIT);
    history.push({ number: n, config, key, state: "complete", values, fitness: violation > 0 ? -Infinity : values[0], feasible: violation === 0, violation, intermediate: [], note: null });
    seen.add(key);
  }
  return history.map((h) => h.key);
}

async function studyLoop(t: Timed): Promise<string[]> {
  const study = await Study.open({
    storage: new MemoryStorage(),
    name: "nsga2",
    space: ofaSpace,
    strategy: t.strategy,
    objectives: [{ metric: "accuracy", direction: "maximize" }, { metric: "mmacs", direction: "minimize" }],
    constraints: [{ metric: "mmacs", op: "<=", bound: LIMIT }],
    seed: 0,
  });
  for (let n = 0; n < population * generations; n++) {
    const trial = (await study.ask())!;
    const [a, m] = objectives(trial.config);
    await study.tell(trial.number, { accuracy: a, mmacs: m });
  }
  return (await study.trials()).map((t) => t.key);
}

const rows: { path: string; version: string; proposals: number; strategyWallS: number; strategyCpuS: number; totalWallS: number }[] = [];
const same: Record<string, boolean> = {};
for (const [path, loop] of [["ofa", ofaLoop], ["study", studyLoop]] as const) {
  const keys: string[][] = [];
  for (const [version, make] of [["before (635c61a)", () => nsga2Reference({ population })], ["cached", () => nsga2({ population })]] as const) {
    const t = timed(make());
    const started = performance.now();
    keys.push(await loop(t));
    rows.push({ path, version, proposals: population * generations, strategyWallS: t.wallMs / 1000, strategyCpuS: t.cpuMs / 1000, totalWallS: (performance.now() - started) / 1000 });
    console.error(`${path} ${version}: ${(t.cpuMs / 1000).toFixed(2)} s CPU in the strategy`);
  }
  same[path] = keys[0].length === keys[1].length && keys[0].every((k, i) => k === keys[1][i]);
}
const ratio = (path: string) => {
  const [before, after] = rows.filter((r) => r.path === path);
  return { wall: before.strategyWallS / after.strategyWallS, cpu: before.strategyCpuS / after.strategyCpuS };
};
const result = { population, generations, date: new Date().toISOString().slice(0, 10), node: process.version, rows, sameProposals: same, speedup: { ofa: ratio("ofa"), study: ratio("study") } };
writeFileSync(args.out!, `${JSON.stringify(result, null, 2)}\n`);
console.log(`NSGA-II, population ${population} x ${generations} generations: time inside the strategy`);
console.log("| path | version | proposals | strategy CPU s | strategy wall s | whole loop wall s |");
console.log("|---|---|---|---|---|---|");
for (const r of rows) console.log(`| ${r.path} | ${r.version} | ${r.proposals} | ${r.strategyCpuS.toFixed(2)} | ${r.strategyWallS.toFixed(2)} | ${r.totalWallS.toFixed(2)} |`);
for (const path of ["ofa", "study"]) console.log(`${path}: ${ratio(path).cpu.toFixed(0)}x less CPU in the strategy; same proposals: ${same[path]}`);
