/**
 * Training throughput of nascent's engines (torch: libtorch through the native addon; jax: jax-js on
 * wasm) against PyTorch on the same five networks, in one run, on the same cores:
 *   reference CNN (batch 128, 28x28x1); the NB201 network (best CIFAR-10 cell, C=16, N=5, 32x32x3, batch 64);
 *   an MBConv network of the mobilenet space (resolution 1, kernel 7, expand 6, depth 4, width 1.25, 28x28x1,
 *   batch 128); a vit network (depth 6, embed 96, 4 heads, MLP ratio 2, patch 4, 28x28x1, batch 128); and an
 *   NB201-space supernet (all 5 ops on every edge, summed with softmax weights: the DARTS mixed op, C=16,
 *   N=5, 32x32x3, batch 64).
 * One step = forward, backward, SGD momentum update. PyTorch builds the same networks from the same JSON
 * (bench/torch_from_json.py) and runs them twice, in its default NCHW memory format and in channels-last (its
 * CPU performance guide's advice for convolutions, the format the torch engine holds images in); the ratio is
 * against the faster of the two. Prints a table, then one JSON object as the last stdout line.
 *
 *   npm run bench:train                  # all engines that load; JAX_STEPS=0 leaves jax-js out
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { act, conv, seq } from "../src/nn/blocks.js";
import { mobilenetNetwork } from "../src/nn/builders/mobilenet.js";
import { nb201Network, nb201Supernet } from "../src/nn/builders/nb201.js";
import { vitNetwork } from "../src/nn/builders/vit.js";
import { availableEngines, defaultThreads, engineStatus, loadEngine, type EngineName } from "../src/nn/engine/index.js";
import { lowerNetwork } from "../src/nn/graph/lower.js";
import { initNetwork } from "../src/nn/init.js";
import type { Layer } from "../src/nn/layers.js";
import { nb201Space } from "../src/space/builtin/nb201.js";
import { Rng } from "../src/core/rng.js";

const PYTHON = process.env.NASCENT_TORCH_PYTHON ?? "/usr/bin/python3";
const OPENBLAS_OPENMP = "/usr/lib/x86_64-linux-gnu/openblas-openmp";
const JAX_STEPS = Number(process.env.JAX_STEPS ?? 2);
/** BENCH_SCALE < 1 runs fewer steps (a loaded machine); timing is per step either way. */
const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const WARMUP = SCALE < 1 ? 1 : 2;
const steps = (n: number) => Math.max(2, Math.round(n * SCALE));
const NB201_ARCH = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|";

interface BenchModel {
  name: string;
  label: string;
  network: Layer;
  input: [number, number, number];
  batch: number;
  steps: number;
}

const referenceCnn = seq(conv(16, 3, { bias: true }), act("relu"), conv(32, 3, { stride: 2, bias: true }), act("relu"), conv(64, 3, { stride: 2, bias: true }), act("relu"), { kind: "globalPool" }, { kind: "dense", out: 10 });
const stage = { kernel: 7 as const, expand: 6 as const, depth: 4, width: 1.25 as const };
const MODELS: BenchModel[] = [
  { name: "reference_cnn", label: "reference CNN, 28x28x1, batch 128", network: referenceCnn, input: [28, 28, 1], batch: 128, steps: steps(40) },
  { name: "nb201", label: "NB201 network (C=16, N=5), 32x32x3, batch 64", network: nb201Network(nb201Space.parse(NB201_ARCH), 10), input: [32, 32, 3], batch: 64, steps: steps(8) },
  { name: "mobilenet", label: "MBConv net (k7, e6, d4, w1.25), 28x28x1, batch 128", network: mobilenetNetwork({ resolution: 1, stages: [stage, stage, stage, stage] }, 1, 10), input: [28, 28, 1], batch: 128, steps: steps(8) },
  { name: "vit", label: "ViT (depth 6, dim 96, 4 heads), 28x28x1, batch 128", network: vitNetwork({ depth: 6, dim: 96, heads: 4, mlpRatio: 2, patch: 4 }, 10), input: [28, 28, 1], batch: 128, steps: steps(8) },
  { name: "nb201_supernet", label: "NB201 supernet (DARTS mixed op), 32x32x3, batch 64", network: nb201Supernet(10), input: [32, 32, 3], batch: 64, steps: steps(4) },
];

interface Throughput {
  img_per_s: number;
  ms_per_step: number;
  /** Images per second of CPU time (all threads): the fair figure on a machine shared with other work. */
  img_per_cpu_s: number;
}

async function measure(engineName: EngineName, model: BenchModel, steps: number, warmup: number): Promise<Throughput | { error: string }> {
  try {
    const engine = await loadEngine(engineName);
    const weights = initNetwork(model.network, model.input, Rng.derive("bench train"));
    const compiled = engine.compile(lowerNetwork(model.network, model.input), weights, { optimizer: { name: "sgd", momentum: 0.9, nesterov: false, weightDecay: 0 }, seed: 1 });
    const rng = Rng.derive("bench data");
    const x = Float32Array.from({ length: model.batch * model.input.reduce((a, b) => a * b, 1) }, () => rng.normal());
    const labels = Int32Array.from({ length: model.batch }, () => rng.int(0, 9));
    let start = 0;
    let cpuStart = process.cpuUsage();
    for (let i = 0; i < warmup + steps; i++) {
      if (i === warmup) {
        start = performance.now();
        cpuStart = process.cpuUsage();
      }
      await compiled.trainStep(x, model.batch, labels, 0.01);
    }
    const seconds = (performance.now() - start) / 1000 / steps;
    const cpu = process.cpuUsage(cpuStart);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6 / steps;
    compiled.dispose();
    return { img_per_s: model.batch / seconds, ms_per_step: seconds * 1000, img_per_cpu_s: model.batch / cpuSeconds };
  } catch (error) {
    return { error: (error as Error).message.split("\n")[0].slice(0, 160) };
  }
}

/** PyTorch on one model (a process per model, run right after nascent's engines on it, so both see the same machine load). */
async function pytorch(threads: number, models: BenchModel[], channelsLast: boolean): Promise<{ torch: string; models: Record<string, Throughput> } | { error: string }> {
  if (!existsSync(PYTHON)) return { error: `${PYTHON} not found` };
  const script = fileURLToPath(new URL("../../bench/torch_from_json.py", import.meta.url));
  const env = { ...process.env };
  // Debian's torch uses the reference BLAS unless an optimised one is preloaded; the OpenMP OpenBLAS, never the pthread one.
  if (existsSync(OPENBLAS_OPENMP)) env.LD_LIBRARY_PATH = [OPENBLAS_OPENMP, env.LD_LIBRARY_PATH].filter(Boolean).join(":");
  const request = { threads, models: models.map((m) => ({ name: m.name, network: m.network, input: m.input, batch: m.batch, steps: m.steps, warmup: WARMUP, channels_last: channelsLast })) };
  return new Promise((resolve) => {
    const child = execFile(PYTHON, [script], { env, maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      if (error) resolve({ error: /No module named 'torch'/.test(stderr) ? "python3-torch not installed" : stderr.trim().split("\n").at(-1) ?? error.message });
      else resolve(JSON.parse(stdout.trim().split("\n").at(-1) as string));
    });
    child.stdin?.end(JSON.stringify(request));
  });
}

const round = (v: number | undefined) => (v === undefined ? null : +v.toFixed(1));
const ok = (r: Throughput | { error: string } | undefined): Throughput | undefined => (r && "img_per_s" in r ? r : undefined);

async function main(): Promise<void> {
  const threads = defaultThreads();
  const loadBefore = loadavg()[0];
  const engines = availableEngines().filter((e) => e !== "jax" || JAX_STEPS > 0);
  const results: Record<string, Partial<Record<EngineName, Throughput | { error: string }>>> = {};
  const theirs: Record<string, Throughput> = {};
  const theirsLast: Record<string, Throughput> = {};
  let reference: { torch: string } | { error: string } = { error: "not run" };
  for (const model of MODELS) {
    results[model.name] = {};
    for (const engine of engines.filter((e) => e === "torch")) results[model.name][engine] = await measure(engine, model, model.steps, WARMUP);
    const py = await pytorch(threads, [model], false);
    if ("models" in py) Object.assign(theirs, py.models);
    const pyLast = await pytorch(threads, [model], true);
    if ("models" in pyLast) Object.assign(theirsLast, pyLast.models);
    reference = py;
    for (const engine of engines.filter((e) => e === "jax")) results[model.name][engine] = await measure(engine, model, JAX_STEPS, 1);
    process.stderr.write(`${model.name}: ${JSON.stringify(results[model.name])} PyTorch ${JSON.stringify(theirs[model.name] ?? py)} channels-last ${JSON.stringify(theirsLast[model.name] ?? pyLast)}\n`);
  }
  const status = engineStatus();
  console.log(`nascent engines on ${threads} threads (torch: ${status.torch.available ? `libtorch ${status.torch.version}` : "not available"}; jax: jax-js 0.1.25 wasm) vs ${"torch" in reference ? `PyTorch ${reference.torch}` : `PyTorch: ${reference.error}`}; img/s (ms/step)`);
  console.log("| model | torch engine | jax engine | PyTorch NCHW | PyTorch channels-last | torch / faster PyTorch | same, per CPU second | torch / PyTorch NCHW |");
  console.log("|---|---|---|---|---|---|---|---|");
  const json: Record<string, unknown> = {};
  for (const model of MODELS) {
    const torch = ok(results[model.name].torch);
    const jax = ok(results[model.name].jax);
    const nchw = theirs[model.name];
    const last = theirsLast[model.name];
    const py = nchw && last ? (last.img_per_s > nchw.img_per_s ? last : nchw) : (nchw ?? last);
    const cell = (r: Throughput | undefined, raw?: Throughput | { error: string }) => (r ? `${r.img_per_s.toFixed(1)} (${r.ms_per_step.toFixed(0)})` : raw && "error" in raw ? `failed: ${raw.error}` : "-");
    const ratio = torch && py ? +(torch.img_per_s / py.img_per_s).toFixed(3) : null;
    const ratioCpu = torch && py ? +(torch.img_per_cpu_s / py.img_per_cpu_s).toFixed(3) : null;
    const ratioNchw = torch && nchw ? +(torch.img_per_s / nchw.img_per_s).toFixed(3) : null;
    console.log(`| ${model.label} | ${cell(torch, results[model.name].torch)} | ${cell(jax, results[model.name].jax)} | ${cell(nchw)} | ${cell(last)} | ${ratio ?? "-"} | ${ratioCpu ?? "-"} | ${ratioNchw ?? "-"} |`);
    json[model.name] = {
      torch_engine: torch ? { img_per_s: round(torch.img_per_s) } : null,
      jax_engine: jax ? { img_per_s: round(jax.img_per_s) } : null,
      pytorch_img_per_s: round(py?.img_per_s),
      pytorch_layout: py === undefined ? null : py === last ? "channels_last" : "nchw",
      pytorch_nchw_img_per_s: round(nchw?.img_per_s),
      pytorch_channels_last_img_per_s: round(last?.img_per_s),
      ratio,
      ratio_cpu: ratioCpu,
      ratio_nchw: ratioNchw,
    };
  }
  json.engine_default = status.active;
  json.threads = threads;
  // The 1-minute load average before and after: on a shared machine, read the ratios, not the rates.
  json.load_average = [+loadBefore.toFixed(2), +loadavg()[0].toFixed(2)];
  // OpenMP's waiting policy (both sides inherit it): PASSIVE keeps idle threads from spinning on a loaded machine.
  json.omp_wait_policy = process.env.OMP_WAIT_POLICY ?? "default";
  console.log(JSON.stringify(json));
}

await main();
