/**
 * Memory of the default engine (torch when its addon loads), each in a fresh process:
 *   nb201: peak resident memory training the NB201 network (C=16, N=5, 32x32x3) at batch 64 for 5 steps;
 *   steps: resident memory growth over 1,000 training steps of the reference CNN (batch 32, 28x28x1),
 *          measured from step 100 (allocator warm) to step 1,100.
 *   node dist/bench/engine-memory.js            # both, one JSON line each, then a summary line
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { act, conv, seq } from "../src/nn/blocks.js";
import { nb201Network } from "../src/nn/builders/nb201.js";
import { loadEngine } from "../src/nn/engine/index.js";
import { lowerNetwork } from "../src/nn/graph/lower.js";
import { initNetwork } from "../src/nn/init.js";
import type { Layer } from "../src/nn/layers.js";
import { nb201Space } from "../src/space/builtin/nb201.js";
import { Rng } from "../src/core/rng.js";

const MIB = 1024 * 1024;

async function train(network: Layer, input: [number, number, number], batch: number, steps: number, onStep: (step: number) => void): Promise<string> {
  const engine = await loadEngine();
  const model = engine.compile(lowerNetwork(network, input), initNetwork(network, input, Rng.derive("memory")), { optimizer: { name: "sgd", momentum: 0.9, nesterov: true, weightDecay: 5e-4 }, seed: 1 });
  const rng = Rng.derive("memory data");
  const x = Float32Array.from({ length: batch * input[0] * input[1] * input[2] }, () => rng.normal());
  const labels = Int32Array.from({ length: batch }, () => rng.int(0, 9));
  for (let step = 1; step <= steps; step++) {
    await model.trainStep(x, batch, labels, 0.01);
    onStep(step);
  }
  model.dispose();
  return engine.name;
}

async function child(which: string): Promise<void> {
  if (which === "nb201") {
    const engine = await train(nb201Network(nb201Space.parse("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|"), 10), [32, 32, 3], 64, 5, () => {});
    console.log(JSON.stringify({ nb201_batch64_peak_rss_mib: Math.round((process.resourceUsage().maxRSS * 1024) / MIB), engine }));
  } else {
    const cnn = seq(conv(16, 3, { bias: true }), act("relu"), conv(32, 3, { stride: 2, bias: true }), act("relu"), conv(64, 3, { stride: 2, bias: true }), act("relu"), { kind: "globalPool" }, { kind: "dense", out: 10 });
    let at100 = 0;
    let started = 0;
    const engine = await train(cnn, [28, 28, 1], 32, 1100, (step) => {
      if (step === 100) {
        at100 = process.memoryUsage().rss;
        started = performance.now();
      }
    });
    const growth = (process.memoryUsage().rss - at100) / MIB;
    console.log(JSON.stringify({ rss_growth_1000_steps_mib: +growth.toFixed(1), rss_mib: Math.round(process.memoryUsage().rss / MIB), seconds: +((performance.now() - started) / 1000).toFixed(1), engine }));
  }
}

if (process.argv[2]) await child(process.argv[2]);
else {
  const self = fileURLToPath(import.meta.url);
  const results = ["nb201", "steps"].map((which) => JSON.parse(execFileSync(process.execPath, [self, which], { encoding: "utf8" }).trim().split("\n").at(-1) as string));
  for (const r of results) console.log(JSON.stringify(r));
  console.log(JSON.stringify(Object.assign({}, ...results)));
}
