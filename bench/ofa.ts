/**
 * Once-for-all on Fashion-MNIST (issue 16), in stages that each resume from --dir:
 *
 *   node dist/bench/ofa.js train  [--dir bench-out/ofa] [--native 16] [--full 1 --kernel 0.25 --short 0.05 --long 0.25]
 *   node dist/bench/ofa.js eval   [--dir bench-out/ofa]   (accuracies of sampled sub-networks, predictor, ladder)
 *   node dist/bench/ofa.js search [--dir bench-out/ofa]   (specialised models under latency and FLOPs budgets)
 *
 * Each stage writes its JSON into --dir; `report` gathers them into docs/bench/ofa.json.
 */
import { parseArgs } from "node:util";
import { loadEngine } from "../src/nn/engine/index.js";
import { loadOfaData, trainOfa, type OfaTrainOptions } from "../src/ofa/run.js";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    dir: { type: "string", default: "bench-out/ofa" },
    native: { type: "string", default: "16" },
    width: { type: "string", default: "1" },
    head: { type: "string", default: "128" },
    batch: { type: "string", default: "128" },
    seed: { type: "string", default: "0" },
    full: { type: "string", default: "1" },
    kernel: { type: "string", default: "0.25" },
    short: { type: "string", default: "0.05" },
    long: { type: "string", default: "0.25" },
  },
});
const num = (name: keyof typeof values) => Number(values[name]);
const stage = positionals[0] ?? "train";
const native = num("native");
const engine = await loadEngine();
const data = loadOfaData(native);
const options: OfaTrainOptions = {
  dir: values.dir as string,
  width: num("width"),
  head: num("head"),
  batch: num("batch"),
  seed: num("seed"),
  epochs: { full: num("full"), kernel: num("kernel"), short: num("short"), long: num("long") },
  kdRatio: 1,
  weightDecay: 3e-5,
  checkpointEvery: 20,
  calibrationImages: 1024,
  probeImages: 2000,
};

if (stage === "train") {
  const started = Date.now();
  let last = Date.now();
  const state = await trainOfa(engine, data, options, (phase, step, steps, loss) => {
    if (step % 10 === 0 || step === steps) {
      const now = Date.now();
      console.log(`${new Date().toISOString()} ${phase.name} ${step}/${steps} loss ${loss.toFixed(4)} ${((now - last) / 1000).toFixed(1)}s/10 steps, ${((now - started) / 60000).toFixed(1)} min`);
      last = now;
    }
  });
  console.log(JSON.stringify({ history: state.history, seconds: state.seconds }));
}
