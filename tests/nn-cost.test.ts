import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { nb201Space } from "../src/index.js";
import { nb201Table } from "../src/evaluate/nb201.js";
import { nb201Network } from "../src/nn/builders/nb201.js";
import { countCost, describeParams } from "../src/nn/layers.js";

const CIFAR = [32, 32, 3];

describe("NAS-Bench-201 networks as built", () => {
  const table = nb201Table();
  const archs = table.strings("arch");
  const column = (name: string) => table.strings(name).map(Number);
  const [p10, p100, f10, f100] = ["params_c10_M", "params_c100_M", "flops_c10_M", "flops_c100_M"].map(column);

  it("have exactly the parameter counts of the benchmark (CIFAR-10 and CIFAR-100), for all 15,625 cells", () => {
    const wrong: string[] = [];
    archs.forEach((arch, row) => {
      const config = nb201Space.parse(arch);
      const c10 = describeParams(nb201Network(config, 10), CIFAR).params.reduce((n, p) => n + p.shape.reduce((a, b) => a * b, 1), 0);
      const c100 = countCost(nb201Network(config, 100), CIFAR).params;
      if (c10 !== Math.round(p10[row] * 1e6) || c100 !== Math.round(p100[row] * 1e6)) wrong.push(`${arch}: ${c10}/${c100} vs ${p10[row]}M/${p100[row]}M`);
    });
    assert.deepEqual(wrong.slice(0, 5), []);
  });

  it("have exactly the benchmark's FLOPs (multiply-adds of convs and the classifier), for all 15,625 cells", () => {
    const wrong: string[] = [];
    archs.forEach((arch, row) => {
      const config = nb201Space.parse(arch);
      const c10 = countCost(nb201Network(config, 10), CIFAR).macs;
      const c100 = countCost(nb201Network(config, 100), CIFAR).macs;
      if (c10 !== Math.round(f10[row] * 1e6) || c100 !== Math.round(f100[row] * 1e6)) wrong.push(`${arch}: ${c10}/${c100} vs ${f10[row]}M/${f100[row]}M`);
    });
    assert.deepEqual(wrong.slice(0, 5), []);
  });

  it("count the all-skip cell at 73,306 parameters and 7.78 MFLOPs on CIFAR-10", () => {
    const cost = countCost(nb201Network(nb201Space.parse("|skip_connect~0|+|skip_connect~0|skip_connect~1|+|skip_connect~0|skip_connect~1|skip_connect~2|"), 10), CIFAR);
    assert.equal(cost.params, 73_306);
    assert.equal(cost.macs, 7_783_050);
    assert.deepEqual(cost.output, [10]);
  });
});
