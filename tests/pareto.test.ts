import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MemoryStorage, Rng, Study, crowdingDistances, hypervolume, nb201Benchmark, nb201Space, nondominatedFronts, nsga2 } from "../src/index.js";
import { distinctDraws, empiricalMedianQuantile } from "./random-baseline.js";

const max2 = ["maximize", "maximize"] as const;

describe("Pareto utilities", () => {
  it("measure the hypervolume of a staircase exactly", () => {
    assert.equal(hypervolume([[1, 3], [2, 2], [3, 1]], [0, 0], max2), 6);
    assert.equal(hypervolume([[1, 3], [2, 2], [3, 1], [1, 1]], [0, 0], max2), 6, "a dominated point adds nothing");
    assert.equal(hypervolume([[2, 1, 1], [1, 2, 1]], [0, 0, 0], ["maximize", "maximize", "maximize"]), 3);
    assert.equal(hypervolume([[1, 5]], [0, 6], ["maximize", "minimize"]), 1);
    assert.equal(hypervolume([[1, 7]], [0, 6], ["maximize", "minimize"]), 0, "a point worse than the reference adds nothing");
  });

  it("agree with a brute-force count of grid cells in three dimensions", () => {
    const points = [[3, 1, 2], [1, 3, 1], [2, 2, 3], [1, 1, 4]];
    let cells = 0;
    for (let x = 0; x < 4; x++) for (let y = 0; y < 4; y++) for (let z = 0; z < 4; z++) {
      if (points.some(([a, b, c]) => x < a && y < b && z < c)) cells++;
    }
    assert.equal(hypervolume(points, [0, 0, 0], ["maximize", "maximize", "maximize"]), cells);
  });

  it("sort points into fronts, feasible before infeasible, and crowd the boundary infinitely", () => {
    const points = [
      { values: [1, 3], violation: 0 },
      { values: [2, 2], violation: 0 },
      { values: [1, 1], violation: 0 },
      { values: [9, 9], violation: 0.5 },
      { values: [3, 1], violation: 0 },
    ];
    assert.deepEqual(nondominatedFronts(points, max2), [[0, 1, 4], [2], [3]]);
    const crowding = crowdingDistances([points[0], points[1], points[4]]);
    assert.deepEqual(crowding, [Infinity, 2, Infinity]);
  });
});

describe("NSGA-II", () => {
  it("beats the 95th percentile of random search's median hypervolume on NB201 accuracy vs latency at 200 queries (7 seeds)", async () => {
    const benchmark = nb201Benchmark("cifar10");
    const latency = "help_gold_6226_lat_ms";
    const directions = ["maximize", "minimize"] as const;
    const grid = nb201Space.grid().map((c) => benchmark.lookup(c));
    const reference = [0, Math.max(...grid.map((m) => m[latency]))];
    const seeds = 7;
    const trials = 200;
    // Random search's hypervolume has no closed form: simulate 4000 runs (uniform distinct draws of the table).
    const rng = Rng.derive("random-search-hypervolume");
    const randomVolumes = Array.from({ length: 4000 }, () =>
      hypervolume(distinctDraws(rng, trials, grid.length).map((i) => [grid[i].accuracy, grid[i][latency]]), reference, directions));
    const bar = empiricalMedianQuantile(randomVolumes, seeds);
    const volumes: number[] = [];
    for (let seed = 0; seed < seeds; seed++) {
      const study = await Study.open({
        storage: new MemoryStorage(), name: "mo", space: nb201Space, strategy: nsga2({ population: 20 }), seed,
        objectives: [{ metric: "accuracy", direction: "maximize" }, { metric: latency, direction: "minimize" }],
      });
      await study.optimize(benchmark, { trials });
      volumes.push(hypervolume((await study.paretoFront()).map((t) => t.values!), reference, directions));
    }
    const evolved = volumes.sort((a, b) => a - b)[(seeds - 1) / 2];
    assert.ok(evolved > bar, `nsga2's median ${evolved} vs random search's 95th percentile ${bar}`);
  });

  it("keeps its children feasible under a hard constraint", async () => {
    const study = await Study.open({
      storage: new MemoryStorage(), name: "c", space: nb201Space, strategy: nsga2({ population: 20 }), seed: 1,
      objectives: [{ metric: "accuracy", direction: "maximize" }, { metric: "flops", direction: "minimize" }],
      constraints: [{ metric: "params", op: "<=", bound: 0.4 }],
    });
    await study.optimize(nb201Benchmark("cifar10"), { trials: 200 });
    const trials = await study.trials();
    const feasibleShare = (from: number, to: number) => trials.slice(from, to).filter((t) => t.metrics!.params <= 0.4).length / (to - from);
    assert.ok(feasibleShare(140, 200) > feasibleShare(0, 20), "later generations are more often feasible than the random first one");
    assert.ok((await study.paretoFront()).every((t) => t.metrics!.params <= 0.4));
  });
});
