import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { dominates } from "../src/core/objectives.js";
import { hypervolume } from "../src/core/pareto.js";
import { Rng } from "../src/core/rng.js";
import { macsOf } from "../src/ofa/efficiency.js";
import { randomConfig } from "../src/ofa/evolution.js";
import { loadFronts, saveFront } from "../src/ofa/front-file.js";
import { checkConfig, configKey, parseConfig, type OfaConfig, type OfaShape } from "../src/ofa/network.js";
import { frontRecord, nsga2Front } from "../src/ofa/nsga2-search.js";
import { ofaSpace } from "../src/ofa/space.js";
import { parseBudget } from "../src/ofa/specialise.js";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { FASHION_MNIST_DIR } from "../src/nn/data/fashion-mnist.js";
import type { SavedFrontMember } from "../src/ofa/front-file.js";
import { SHAPE as TINY, tinyRun } from "./ofa-fixture.js";
import { lastJsonLine, needs, requirePresent, runCli, tempDir } from "./support.js";

const SHAPE: OfaShape = { input: [8, 8, 1], classes: 3, width: 0.75, head: 8 };
/** A made-up accuracy that rises with every elastic dimension (what a trained supernet roughly shows). */
const truth = (c: OfaConfig) => 0.5 + 0.1 * c.resolution + c.stages.reduce((a, s) => a + 0.004 * s.kernel + 0.006 * s.expand + 0.01 * s.depth, 0);
const mmacs = (c: OfaConfig) => macsOf(SHAPE, c) / 1e6;
const SMALL = { population: 24, generations: 8, crossover: 0.9 };
const DIRECTIONS = ["maximize", "minimize"] as const;

describe("once-for-all: NSGA-II over the supernet", () => {
  it("the supernet's space is the elastic choices: 3 x 27^4 configs, each a valid sub-network", () => {
    assert.equal(ofaSpace.size(), 3 * 27 ** 4);
    const rng = Rng.derive("ofa space test");
    for (let i = 0; i < 50; i++) {
      const config = ofaSpace.sample(rng);
      checkConfig(config);
      assert.equal(configKey(parseConfig(configKey(config))), configKey(config));
    }
  });

  it("returns a non-dominated front that meets the budget, and beats as many random sub-networks", async () => {
    const limit = mmacs(parseConfig("r0.875:k5e4d3|k5e4d3|k5e4d3|k5e4d3"));
    const found = await nsga2Front(truth, mmacs, limit, 7, SMALL);
    assert.equal(found.proposals, 24 * 8);
    assert.ok(found.front.length >= 3, `front of ${found.front.length}`);
    const feasible = found.evaluated.filter((p) => p.feasible);
    for (const member of found.front) {
      assert.ok(member.cost <= limit, `${member.key} costs ${member.cost} > ${limit}`);
      assert.equal(member.accuracy, truth(member.config));
      assert.ok(!feasible.some((p) => dominates([p.accuracy, p.cost], [member.accuracy, member.cost], DIRECTIONS)), `${member.key} is dominated`);
    }
    assert.ok(found.front.every((m, i) => i === 0 || m.cost >= found.front[i - 1].cost), "cheapest first");
    // Every feasible point off the front is dominated by a front member.
    const onFront = new Set(found.front.map((m) => m.key));
    for (const p of feasible.filter((p) => !onFront.has(p.key))) assert.ok(found.front.some((m) => dominates([m.accuracy, m.cost], [p.accuracy, p.cost], DIRECTIONS) || (m.accuracy === p.accuracy && m.cost === p.cost)));
    // Selection works: the front's hypervolume beats that of as many uniformly random sub-networks.
    const rng = Rng.derive("ofa nsga2 random baseline");
    const random = Array.from({ length: found.proposals }, () => randomConfig(rng)).filter((c) => mmacs(c) <= limit);
    const reference = [0.5, limit];
    const hv = (points: OfaConfig[]) => hypervolume(points.map((c) => [truth(c), mmacs(c)]), reference, DIRECTIONS);
    assert.ok(hv(found.front.map((m) => m.config)) > hv(random), `NSGA-II ${hv(found.front.map((m) => m.config))} vs random ${hv(random)}`);
  });

  it("is deterministic per seed", async () => {
    const limit = 0.05;
    const [a, b, c] = await Promise.all([nsga2Front(truth, mmacs, limit, 3, SMALL), nsga2Front(truth, mmacs, limit, 3, SMALL), nsga2Front(truth, mmacs, limit, 4, SMALL)]);
    assert.deepEqual(a.front.map((m) => m.key), b.front.map((m) => m.key));
    assert.deepEqual(a.evaluated.map((m) => m.key), b.evaluated.map((m) => m.key));
    assert.notDeepEqual(a.evaluated.map((m) => m.key), c.evaluated.map((m) => m.key));
  });

  it("refuses a budget no sub-network meets, and saves fronts next to the supernet", async () => {
    await assert.rejects(nsga2Front(truth, mmacs, 1e-9, 0, SMALL), /no sub-network among \d+ predicted meets cost <= 1e-9/);
    const found = await nsga2Front(truth, mmacs, null, 0, { ...SMALL, generations: 2 });
    assert.ok(found.evaluated.every((p) => p.feasible));
    const dir = tempDir();
    const budget = parseBudget("flops<=0.2");
    saveFront(dir, frontRecord(budget, found, { ...SMALL, generations: 2, seed: 0 }, found.front.map((m) => ({ config: m.key, predictedAccuracy: m.accuracy, predictedCost: m.cost }))));
    const [saved] = loadFronts(dir);
    assert.equal(saved.constraint, "flops<=0.2");
    assert.equal(saved.unit, "MMACs");
    assert.equal(saved.front.length, found.front.length);
    assert.equal(saved.evaluated.length, found.evaluated.length);
  });

  it("nascent ofa search refuses an unknown strategy with one line and exit code 2", () => {
    const result = runCli(["ofa", "search", "--supernet", tempDir(), "--constraint", "flops<=1", "--strategy", "nsga3"]);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /--strategy: expected evolution or nsga2, got 'nsga3'/);
    assert.equal(result.stderr.trim().split("\n").length, 1);
  });

  const fashion = existsSync(join(FASHION_MNIST_DIR, "train-images-idx3-ubyte.gz"));
  it("nascent ofa search --strategy nsga2 --measure-front: a measured front within the budget, saved for the dashboard", needs(fashion, "Debian's dataset-fashion-mnist"), async () => {
    requirePresent(fashion, "Debian's dataset-fashion-mnist");
    const { dir } = await tinyRun(Infinity);
    const limit = (macsOf(TINY, parseConfig("r1:k5e4d3|k5e4d3|k5e4d3|k5e4d3")) / 1e6).toFixed(4);
    const args = ["ofa", "search", "--supernet", dir, "--strategy", "nsga2", "--constraint", `flops<=${limit}`, "--samples", "6", "--val-images", "32", "--population", "8", "--generations", "3", "--measure-front", "--test-images", "64", "--json"];
    const result = runCli(args, { env: { ...process.env, NASCENT_THREADS: "1" } });
    assert.equal(result.code, 0, result.stderr);
    const [row] = lastJsonLine<{ results: { front: SavedFrontMember[]; frontFile: string; limit: number }[] }>(result.stdout).results;
    assert.ok(row.front.length >= 1);
    for (const m of row.front) {
      assert.ok(m.predictedCost <= row.limit && m.measuredCost! <= row.limit, m.config);
      assert.equal(m.measuredCost, m.predictedCost, "MACs are counted, so measured equals predicted");
      assert.ok(m.testAccuracy! >= 0 && m.testAccuracy! <= 1);
    }
    assert.deepEqual(loadFronts(dir)[0].front, row.front);

    // Evolution on the same supernet: one search under an exact (FLOPs) budget, its winner exported.
    const out = join(dir, "best");
    const evo = runCli(["ofa", "search", "--supernet", dir, "--constraint", `flops<=${limit}`, "--population", "8", "--generations", "3", "--rounds", "3", "--test-images", "64", "--out", out, "--json"], { env: { ...process.env, NASCENT_THREADS: "1" } });
    assert.equal(evo.code, 0, evo.stderr);
    const [won] = lastJsonLine<{ results: { config: string; measuredCost: number; limit: number; meetsBudget: boolean; stop: string; rounds: unknown[]; file: string }[] }>(evo.stdout).results;
    assert.ok(won.meetsBudget && won.measuredCost <= won.limit);
    assert.equal(won.stop, "met");
    assert.equal(won.rounds.length, 1, "an exact cost needs one search");
    assert.ok(existsSync(won.file), won.file);
  });
});
