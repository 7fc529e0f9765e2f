/**
 * Depth pruning against training from scratch, at the same total compute, on tiny GPTs (King James Bible,
 * byte-level). `pruned`: train a 4-layer parent, drop its top layers to keep 3, 2 or 1 (final norm and head
 * kept), fine-tune each for 20% of the parent's steps. `scratch`: train each 3-, 2- and 1-layer shape from
 * scratch for the FLOPs of parent + fine-tune. Runs on the engine (torch by default). Writes docs/bench/llm-prune-<mode>.json.
 *
 *   NASCENT_THREADS=1 node dist/bench/llm-prune.js pruned|scratch [parentSteps=240]
 */
import type { Weights } from "../src/nn/engine/engine.js";
import { mkdirSync, writeFileSync } from "node:fs";
import { loadEngine } from "../src/nn/engine/index.js";
import { fileURLToPath } from "node:url";
import { resolveArchitecture } from "../src/space/builtin/llm-architecture.js";
import { DEPTH_PRUNE_PARENT } from "./llm-tiny-sizes.js";
import { trainingFlops } from "../src/cost/llm/flops.js";
import { causalLmShapeOf } from "../src/evaluate/train-text.js";
import { readKjvBible } from "../src/nn/data/kjv-bible.js";
import { byteLevelSplits } from "../src/nn/data/text.js";
import { trainCausalLm } from "../src/nn/text-trainer.js";
import { Rng } from "../src/core/rng.js";

const mode = process.argv[2];
const parentSteps = Number(process.argv[3] ?? 240);
const batch = 32;
const base = DEPTH_PRUNE_PARENT;
const arch = (layers: number) => resolveArchitecture({ ...base, layers });
const tokensPerStep = batch * base.context;
const learningRate = (1e-2 * 32) / base.dModel;
const data = byteLevelSplits(readKjvBible());
const parentFlops = trainingFlops(arch(4), parentSteps * tokensPerStep);
const fineTuneSteps = Math.round(parentSteps / 5);
const common = { batch, evalWindows: 512, evalEvery: 1_000_000 };
const results: Record<string, unknown>[] = [];

if (mode === "pruned") {
  const parent = await trainCausalLm(causalLmShapeOf(arch(4)), data, { ...common, steps: parentSteps, learningRate, rng: Rng.derive("prune", "parent"), keepWeights: true });
  results.push({ run: "parent L4", layers: 4, loss: parent.validationLoss, flops: parentFlops, seconds: parent.seconds });
  const weights = parent.weights as Weights;
  for (const layers of [3, 2, 1]) {
    const kept: Weights = { params: {}, state: {} };
    for (const [name, tensor] of Object.entries(weights.params)) {
      const layer = /^(\d+)\./.exec(name);
      if (!layer || Number(layer[1]) < layers) kept.params[name] = tensor;
    }
    const shape = causalLmShapeOf(arch(layers));
    const fineTune = await trainCausalLm(shape, data, { ...common, steps: fineTuneSteps, learningRate: learningRate / 2, rng: Rng.derive("prune", "fine-tune", layers), initial: kept });
    const flops = parentFlops + trainingFlops(arch(layers), fineTuneSteps * tokensPerStep);
    results.push({ run: `pruned L4->L${layers} + fine-tune`, layers, loss: fineTune.validationLoss, flops, seconds: parent.seconds + fineTune.seconds });
  }
} else if (mode === "scratch") {
  for (const layers of [3, 2, 1]) {
    const flops = parentFlops + trainingFlops(arch(layers), fineTuneSteps * tokensPerStep);
    const steps = Math.round(flops / trainingFlops(arch(layers), tokensPerStep));
    const run = await trainCausalLm(causalLmShapeOf(arch(layers)), data, { ...common, steps, learningRate, rng: Rng.derive("prune", "scratch", layers) });
    results.push({ run: `scratch L${layers}`, layers, loss: run.validationLoss, flops: trainingFlops(arch(layers), steps * tokensPerStep), steps, seconds: run.seconds });
  }
} else throw new Error("usage: llm-prune.js pruned|scratch [parentSteps]");
for (const r of results) console.log(JSON.stringify(r));
const out = fileURLToPath(new URL("../../docs/bench/", import.meta.url));
mkdirSync(out, { recursive: true });
writeFileSync(`${out}llm-prune-${mode}.json`, `${JSON.stringify({ engine: (await loadEngine()).version, parentSteps, fineTuneSteps, batch, results }, null, 2)}\n`);
