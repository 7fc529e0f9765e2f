/**
 * Once-for-all on Fashion-MNIST (issue 16), in stages that each resume from --dir:
 *
 *   node dist/bench/ofa.js train  [--dir bench-out/ofa] [--native 16] [--full 1 --kernel 0.25 --short 0.05 --long 0.25]
 *   node dist/bench/ofa.js eval   [--dir bench-out/ofa]   (accuracies of sampled sub-networks, predictor, ladder)
 *   node dist/bench/ofa.js search [--dir bench-out/ofa]   (specialised models under latency and FLOPs budgets)
 *
 * Each stage writes its JSON into --dir; `report` gathers them (and bench/ofa-scratch.js's results, given
 * with --scratch DIR) into docs/bench/ofa.json.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
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
    scratch: { type: "string", default: "bench-out" },
    out: { type: "string", default: "docs/bench/ofa.json" },
    /** Where the run was made, for the report (the supernet's state does not record it). */
    machine: { type: "string", default: "2 cores, torch engine, NASCENT_THREADS=1" },
  },
});
const num = (name: keyof typeof values) => Number(values[name]);
const stage = positionals[0] ?? "train";
const native = num("native");
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
  probeImages: 500,
};

if (stage === "train") {
  const engine = await loadEngine();
  const data = loadOfaData(native);
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

if (stage === "report") {
  const dir = values.dir as string;
  const read = (file: string) => (existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : null);
  const state = read(join(dir, "state.json"));
  const evaluation = read(join(dir, "eval.json"));
  const scratchDir = values.scratch as string;
  const scratch = readdirSync(scratchDir).filter((f) => /^scratch3-.*\.json$/.test(f)).map((f) => read(join(scratchDir, f)) as { config: string; testAccuracy: number; steps: number; seconds: number });
  const ladder = (evaluation?.ladder ?? []).map((rung: { config: string; macs: number; testAccuracy: number }) => {
    const alone = scratch.find((s) => s.config === rung.config);
    return { ...rung, scratchTestAccuracy: alone?.testAccuracy ?? null, scratchSeconds: alone?.seconds ?? null, differencePoints: alone ? 100 * (rung.testAccuracy - alone.testAccuracy) : null };
  });
  const compared = ladder.filter((r: { differencePoints: number | null }) => r.differencePoints !== null);
  const report = {
    machine: values.machine,
    supernet: { shape: state?.meta.shape, dataset: state?.meta.dataset, trainImages: state?.meta.trainImages, phases: state?.history.map((h: { phase: string; steps: number; seconds: number; accuracy: unknown; lossCurve: number[] }) => ({ phase: h.phase, steps: h.steps, seconds: Math.round(h.seconds), probeAccuracy: h.accuracy, lossCurve: h.lossCurve })), seconds: state?.seconds },
    fullTestAccuracy: evaluation?.fullTestAccuracy ?? null,
    teacherTestAccuracy: evaluation?.teacherTestAccuracy ?? null,
    ladder,
    meanDifferencePoints: compared.length ? compared.reduce((a: number, r: { differencePoints: number }) => a + r.differencePoints, 0) / compared.length : null,
    predictor: evaluation?.predictor ?? null,
    search: read(join(dir, "search.json")),
  };
  writeFileSync(values.out as string, JSON.stringify(report, null, 1) + "\n");
  console.log(JSON.stringify({ ...report, supernet: { ...report.supernet, phases: report.supernet.phases?.map((p: { phase: string; steps: number; seconds: number; probeAccuracy: unknown }) => ({ phase: p.phase, steps: p.steps, seconds: p.seconds, probeAccuracy: p.probeAccuracy })) } }, null, 1));
}
