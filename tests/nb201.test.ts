import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { nb201Benchmark, nb201Space, NB201_OPS, type Nb201Config } from "../src/index.js";
import { nb201Table } from "../src/evaluate/nb201.js";

const cifar10 = nb201Benchmark("cifar10");
const cifar100 = nb201Benchmark("cifar100");
const allSkip: Nb201Config = { edges: Array(6).fill("skip_connect") };

describe("NAS-Bench-201", () => {
  it("has 15,625 architectures, exactly the configs of the nb201 space", () => {
    assert.equal(nb201Space.size(), 15_625);
    assert.equal(cifar10.size, 15_625);
    for (const config of nb201Space.grid()) cifar10.lookup(config);
  });

  it("scores its best CIFAR-10 cell (index 6111) 94.373", () => {
    const table = nb201Table();
    const archs = table.strings("arch");
    const idx = table.strings("idx");
    const best = archs.map((arch) => cifar10.lookup(nb201Space.parse(arch)).accuracy).reduce((m, v) => Math.max(m, v));
    assert.equal(best, 94.373);
    const row = idx.indexOf("6111");
    assert.equal(cifar10.lookup(nb201Space.parse(archs[row])).accuracy, 94.373);
  });

  it("scores the all-skip_connect cell 54.30 on CIFAR-10 and 15.61 on CIFAR-100", () => {
    assert.equal(cifar10.lookup(allSkip).accuracy.toFixed(2), "54.30");
    assert.equal(cifar100.lookup(allSkip).accuracy.toFixed(2), "15.61");
  });

  it("scores its best CIFAR-100 cell 73.513", () => {
    const best = Math.max(...nb201Space.grid().map((c) => cifar100.lookup(c).accuracy));
    assert.equal(best, 73.513);
  });

  it("prints configs as the exact NB201 string and parses them back", () => {
    const config: Nb201Config = { edges: ["nor_conv_3x3", "nor_conv_3x3", "avg_pool_3x3", "skip_connect", "nor_conv_3x3", "skip_connect"] };
    const text = "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|";
    assert.equal(nb201Space.key(config), text);
    assert.deepEqual(nb201Space.parse(text), config);
    assert.equal(cifar10.lookup(config).accuracy, 93.66); // row idx 1 of the benchmark
  });

  it("names the edge of an unknown op", () => {
    assert.throws(() => nb201Space.validate({ edges: ["none", "none", "none", "conv_9x9", "none", "none"] }), {
      message: `edges[3]: unknown op 'conv_9x9' (expected one of ${NB201_OPS.join(", ")})`,
    });
    assert.throws(() => nb201Space.parse("|none~0|+|none~0|none~1|+|none~0|none~1|conv_9x9~2|"), /edges\[5\]: unknown op 'conv_9x9'/);
    assert.throws(() => nb201Space.parse("|none~0|+|none~0|none~1|"), /has 2 node groups/);
  });

  it("offers parameters, FLOPs and every latency column as metrics", () => {
    const names = cifar10.metrics.map((m) => m.name);
    assert.deepEqual(names.slice(0, 3), ["accuracy", "params", "flops"]);
    assert.equal(names.filter((n) => n.endsWith("_lat_ms")).length, 19);
    const metrics = cifar10.lookup(allSkip);
    assert.equal(metrics.params, 0.073306); // only stem, reduction blocks and classifier hold weights
  });
});
