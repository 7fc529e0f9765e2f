/**
 * Width pruning against training from scratch, at the same total compute, on tiny GPTs (King James Bible,
 * byte-level, torch engine by default). A GQA parent (2 layers, d_model 96, 6 query heads of dimension 16 over 3
 * key/value heads, FFN 384) is trained; per layer its heads (whole KV groups first) and FFN channels are ranked by
 * Michel et al. 2019's importance |dL/dxi| on training batches (src/nn/width-prune.ts), the least important
 * dropped to three smaller shapes, each fine-tuned for 20% of the parent's steps at half its learning rate.
 * Each smaller shape is also trained from scratch for the FLOPs of parent + fine-tune.
 * Writes docs/bench/llm-width-prune.json.
 *
 * Batch and peak learning rate are the grid's recipe (bench/llm-tiny-sizes.ts).
 *
 *   NASCENT_THREADS=1 node dist/bench/llm-width-prune.js [parentSteps=500]
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadEngine, type Weights } from "../src/nn/engine/index.js";
import { resolveArchitecture, type LlmConfig } from "../src/space/builtin/llm-architecture.js";
import { trainingFlops } from "../src/cost/llm/flops.js";
import { nonEmbeddingParams } from "../src/cost/llm/params.js";
import { causalLmShapeOf } from "../src/evaluate/train-text.js";
import { readKjvBible } from "../src/nn/data/kjv-bible.js";
import { byteLevelSplits, randomWindows } from "../src/nn/data/text.js";
import { trainCausalLm, validationLoss } from "../src/nn/text-trainer.js";
import { pruneWidth, selectWidth, widthImportance, type WidthTarget } from "../src/nn/width-prune.js";
import { Rng } from "../src/core/rng.js";
import { CONTEXT, RECIPE } from "./llm-tiny-sizes.js";

const parentSteps = Number(process.argv[2] ?? 500);
const batch = RECIPE.batch;
const parentConfig: LlmConfig = { layers: 2, dModel: 96, heads: 6, kvHeads: 3, headDim: 16, ffn: "gelu", ffnDim: 384, vocab: 256, context: CONTEXT, tiedEmbeddings: false, norm: "layernorm", bias: "all", positions: "learned" };
const learningRate = RECIPE.learningRate(parentConfig.dModel);
/** Two thirds, half and a third of the heads and FFN channels (GQA groups of at most 2 query heads per KV head). */
const TARGETS: WidthTarget[] = [
  { heads: 4, kvHeads: 2, ffnDim: 256 },
  { heads: 3, kvHeads: 3, ffnDim: 192 },
  { heads: 2, kvHeads: 1, ffnDim: 128 },
];
const IMPORTANCE_BATCHES = 16;

const tokensPerStep = batch * CONTEXT;
const fineTuneSteps = Math.round(parentSteps / 5);
const engine = await loadEngine();
const data = byteLevelSplits(readKjvBible());
const common = { batch, evalWindows: 512, evalEvery: 1_000_000, engine };
const arch = (t: WidthTarget) => resolveArchitecture({ ...parentConfig, ...t });
const parentArch = resolveArchitecture(parentConfig);
const parentShape = causalLmShapeOf(parentArch);
const parentFlops = trainingFlops(parentArch, parentSteps * tokensPerStep);
const log = (line: string) => console.log(`${new Date().toISOString()} ${line}`);

const parent = await trainCausalLm(parentShape, data, { ...common, steps: parentSteps, learningRate, rng: Rng.derive("width-prune", "parent"), keepWeights: true });
log(`parent loss ${parent.validationLoss.toFixed(4)} (${parent.seconds.toFixed(0)} s)`);
const windows = randomWindows(data.train, IMPORTANCE_BATCHES * batch, CONTEXT + 1, Rng.derive("width-prune", "importance"));
const importance = await widthImportance(engine, parentShape, parent.weights as Weights, windows, batch);
// The importance pass is a forward and backward on IMPORTANCE_BATCHES batches: training FLOPs of that many tokens.
const importanceFlops = trainingFlops(parentArch, IMPORTANCE_BATCHES * tokensPerStep);

const rows = [];
for (const target of TARGETS) {
  const small = arch(target);
  const pruned = pruneWidth(parentShape, parent.weights as Weights, selectWidth(parentShape, importance, target));
  const beforeFineTune = await validationLoss(pruned.shape, pruned.weights, data, 512, pruned.shape.layers, engine);
  const fineTune = await trainCausalLm(pruned.shape, data, { ...common, steps: fineTuneSteps, learningRate: learningRate / 2, rng: Rng.derive("width-prune", "fine-tune", target.heads), initial: pruned.weights });
  const flops = parentFlops + importanceFlops + trainingFlops(small, fineTuneSteps * tokensPerStep);
  const scratchSteps = Math.round(flops / trainingFlops(small, tokensPerStep));
  const scratch = await trainCausalLm(causalLmShapeOf(small), data, { ...common, steps: scratchSteps, learningRate, rng: Rng.derive("width-prune", "scratch", target.heads) });
  rows.push({
    ...target,
    nonEmbeddingParams: nonEmbeddingParams(small),
    flops,
    prunedLoss: beforeFineTune,
    prunedFineTunedLoss: fineTune.validationLoss,
    scratchLoss: scratch.validationLoss,
    scratchSteps,
    keptHeads: selectWidth(parentShape, importance, target).heads,
  });
  log(JSON.stringify(rows.at(-1)));
}
const out = fileURLToPath(new URL("../../docs/bench/", import.meta.url));
mkdirSync(out, { recursive: true });
const result = {
  engine: engine.version,
  parent: { ...parentConfig, nonEmbeddingParams: nonEmbeddingParams(parentArch), steps: parentSteps, tokens: parentSteps * tokensPerStep, loss: parent.validationLoss, flops: parentFlops },
  learningRate,
  batch,
  fineTuneSteps,
  importance: { criterion: "Michel et al. 2019 |dL/dxi| per head and FFN channel", batches: IMPORTANCE_BATCHES, heads: importance.heads.map((h) => [...h]) },
  rows,
};
writeFileSync(`${out}llm-width-prune.json`, `${JSON.stringify(result, null, 2)}\n`);
