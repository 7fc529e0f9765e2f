import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, describe, it } from "node:test";
import { fromConfigSpace, Nb301Evaluator, nb301Space, Rng, toConfigSpace, type Nb301Config } from "../src/index.js";
import { dataPath } from "../src/core/data-path.js";

interface Hyperparameter {
  name: string;
  type: string;
  choices?: string[];
}
interface Condition {
  child: string;
  parent: string;
  type: string;
  values?: string[];
  value?: string;
}
const configSpace = JSON.parse(readFileSync(dataPath("nb301", "config_space_v2.json"), "utf8")) as {
  hyperparameters: Hyperparameter[];
  conditions: Condition[];
};

/** The DARTS-V2 genotype (Liu et al. 2019), inputs sorted per node. */
const dartsV2: Nb301Config = {
  normal: {
    nodes: [
      [{ input: 0, op: "sep_conv_3x3" }, { input: 1, op: "sep_conv_3x3" }],
      [{ input: 0, op: "sep_conv_3x3" }, { input: 1, op: "sep_conv_3x3" }],
      [{ input: 0, op: "skip_connect" }, { input: 1, op: "sep_conv_3x3" }],
      [{ input: 0, op: "skip_connect" }, { input: 2, op: "dil_conv_3x3" }],
    ],
  },
  reduce: {
    nodes: [
      [{ input: 0, op: "max_pool_3x3" }, { input: 1, op: "max_pool_3x3" }],
      [{ input: 1, op: "max_pool_3x3" }, { input: 2, op: "skip_connect" }],
      [{ input: 0, op: "max_pool_3x3" }, { input: 2, op: "skip_connect" }],
      [{ input: 1, op: "max_pool_3x3" }, { input: 2, op: "skip_connect" }],
    ],
  },
};

describe("NAS-Bench-301 (DARTS space)", () => {
  let evaluator: Nb301Evaluator | undefined;
  after(async () => evaluator?.close());

  it("has the size of the DARTS space, about 1e18 cell pairs", () => {
    const perCell = 1 * 3 * 6 * 10 * 49 ** 4;
    assert.equal(nb301Space.size(), perCell * perCell);
  });

  it("maps every config onto the ConfigSpace with exactly the active hyperparameters its conditions allow", () => {
    const byName = new Map(configSpace.hyperparameters.map((h) => [h.name, h]));
    const conditionsOf = new Map<string, Condition[]>();
    for (const c of configSpace.conditions) conditionsOf.set(c.child, [...(conditionsOf.get(c.child) ?? []), c]);
    const rng = Rng.derive("nb301-conditions", 0);
    for (let i = 0; i < 300; i++) {
      const config = nb301Space.sample(rng);
      const values = toConfigSpace(config);
      for (const h of configSpace.hyperparameters) {
        if (h.type !== "categorical") continue; // `epoch` is the fidelity, not part of the architecture
        const conditions = conditionsOf.get(h.name) ?? [];
        const active = conditions.every((c) => (c.values ?? [c.value]).includes(values[c.parent]));
        assert.equal(h.name in values, active, `${h.name} active=${active}`);
        if (active) assert.ok(h.choices!.includes(values[h.name]), `${h.name}=${values[h.name]}`);
      }
      for (const name of Object.keys(values)) assert.ok(byName.has(name), name);
      assert.deepEqual(fromConfigSpace(values), config);
    }
  });

  it("predicts about 0.929 for the DARTS-V2 genotype at epoch 98", async () => {
    evaluator = await Nb301Evaluator.load();
    const [metrics] = await evaluator.predict([dartsV2]);
    assert.ok(Math.abs(metrics.accuracy - 0.929) < 0.002, `got ${metrics.accuracy}`);
  });

  it("predicts lower accuracy after fewer epochs (the fidelity)", async () => {
    evaluator ??= await Nb301Evaluator.load();
    const [early] = await evaluator.predict([dartsV2], 10);
    const [late] = await evaluator.predict([dartsV2], 98);
    assert.ok(early.accuracy < late.accuracy - 0.02, `epoch 10: ${early.accuracy}, epoch 98: ${late.accuracy}`);
  });

  it("ranks DARTS-V2 above a cell made only of skip connections", async () => {
    evaluator ??= await Nb301Evaluator.load();
    const skipCell = { nodes: dartsV2.normal.nodes.map(() => [{ input: 0, op: "skip_connect" as const }, { input: 1, op: "skip_connect" as const }]) };
    const [darts, skips] = await evaluator.predict([dartsV2, { normal: skipCell, reduce: skipCell }]);
    assert.ok(darts.accuracy > skips.accuracy + 0.03, `DARTS-V2 ${darts.accuracy}, all-skip ${skips.accuracy}`);
  });
});
