/**
 * Training throughput of nascent's engine (jax-js on wasm) against PyTorch on the same models, in one run.
 *   (a) the reference CNN: conv3x3 16 -> conv3x3 32 s2 -> conv3x3 64 s2 -> global avg pool -> dense 10,
 *       batch 128, 28x28x1;
 *   (b) a NAS-Bench-201 network (the best CIFAR-10 cell) on 32x32x3, batch 8 (NB201_BATCH; at 32 and more its
 *       training step passes jax-js's 4 GiB wasm limit, an open problem of the engine).
 * One SGD step = forward, backward, momentum update. Prints a table, then one JSON line (last line of stdout).
 *
 *   npm run bench:train            # PyTorch via /usr/bin/python3 when python3-torch is installed
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { act, conv, seq } from "../src/nn/blocks.js";
import { nb201Network } from "../src/nn/builders/nb201.js";
import { engine, loadEngine, type Tensor } from "../src/nn/engine/index.js";
import { forward, type TensorMap } from "../src/nn/forward.js";
import { initNetwork } from "../src/nn/init.js";
import type { Layer, Shape } from "../src/nn/layers.js";
import { sgd } from "../src/nn/optimizer.js";
import { nb201Space } from "../src/space/builtin/nb201.js";
import { Rng } from "../src/core/rng.js";

const NB201_ARCH = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|";
const NB201_BATCH = Number(process.env.NB201_BATCH ?? 8);
const PYTHON = process.env.NASCENT_TORCH_PYTHON ?? "/usr/bin/python3";
const OPENBLAS_OPENMP = "/usr/lib/x86_64-linux-gnu/openblas-openmp";

interface Throughput {
  img_per_s: number;
  ms_per_step: number;
}

async function measure(network: Layer, input: Shape, batch: number, steps: number, warmup: number): Promise<Throughput & { compile_s: number }> {
  const { numpy: np, jit, valueAndGrad, nn, tree } = engine();
  const { params, state } = initNetwork(network, input, Rng.derive("bench train"));
  const optimizer = sgd({ momentum: 0.9 });
  const loss = (p: TensorMap, s: TensorMap, x: Tensor, labels: Tensor): [Tensor, TensorMap] => {
    const { y, state: newState } = forward(network, p, s, x, { training: true });
    return [nn.logSoftmax(y).mul(nn.oneHot(labels, 10)).sum().mul(-1 / batch), newState];
  };
  const step = jit((p: TensorMap, s: TensorMap, o: TensorMap, x: Tensor, labels: Tensor, lr: Tensor) => {
    const [[value, newState], grads] = valueAndGrad(loss, { hasAux: true })(tree.ref(p), s, x, labels) as unknown as [[Tensor, TensorMap], TensorMap];
    const updated = optimizer.update(grads, o, p, lr);
    return [value, updated.params, newState, updated.state] as [Tensor, TensorMap, TensorMap, TensorMap];
  });
  const rng = Rng.derive("bench data");
  const x = np.array(Float32Array.from({ length: batch * input.reduce((a, b) => a * b, 1) }, () => rng.normal())).reshape([batch, ...input]);
  const labels = np.array(Int32Array.from({ length: batch }, () => rng.int(0, 9)), { dtype: np.int32 });
  let p = params;
  let s = state;
  let o = optimizer.init(params);
  const compileStart = performance.now();
  let start = 0;
  let compileSeconds = 0;
  for (let i = 0; i < warmup + steps; i++) {
    if (i === warmup) start = performance.now();
    const [value, p2, s2, o2] = step(p, s, o, x.ref, labels.ref, np.array(0.01));
    [p, s, o] = [p2, s2, o2];
    await value.data();
    if (i === 0) compileSeconds = (performance.now() - compileStart) / 1000;
  }
  const seconds = (performance.now() - start) / 1000 / steps;
  tree.dispose([p, s, o, x, labels]);
  step.dispose();
  return { img_per_s: batch / seconds, ms_per_step: seconds * 1000, compile_s: compileSeconds };
}

async function torchReference(): Promise<{ torch: string; reference_cnn: Throughput; nb201: Throughput } | null> {
  if (!existsSync(PYTHON)) return null;
  const script = fileURLToPath(new URL("../../bench/train_reference.py", import.meta.url));
  const env = { ...process.env };
  // Debian's torch uses the reference BLAS unless an optimised one is preloaded; never the pthread OpenBLAS.
  if (existsSync(OPENBLAS_OPENMP)) env.LD_LIBRARY_PATH = [OPENBLAS_OPENMP, env.LD_LIBRARY_PATH].filter(Boolean).join(":");
  try {
    const { stdout } = await promisify(execFile)(PYTHON, [script, "--arch", NB201_ARCH, "--threads", "2", "--nb201-batch", String(NB201_BATCH)], { env, maxBuffer: 1 << 20 });
    return JSON.parse(stdout.trim().split("\n").at(-1) as string);
  } catch (error) {
    const message = (error as Error).message;
    if (!/No module named 'torch'/.test(message)) process.stderr.write(`PyTorch reference failed: ${message}\n`);
    return null;
  }
}

async function main(): Promise<void> {
  await loadEngine();
  const referenceCnn = seq(
    conv(16, 3, { bias: true }),
    act("relu"),
    conv(32, 3, { stride: 2, bias: true }),
    act("relu"),
    conv(64, 3, { stride: 2, bias: true }),
    act("relu"),
    { kind: "globalPool" },
    { kind: "dense", out: 10 },
  );
  const cnn = await measure(referenceCnn, [28, 28, 1], 128, 30, 3);
  const nb201 = await measure(nb201Network(nb201Space.parse(NB201_ARCH), 10), [32, 32, 3], NB201_BATCH, 6, 2);
  const torch = await torchReference();
  const row = (name: string, ours: Throughput, theirs: Throughput | undefined) => ({
    img_per_s: +ours.img_per_s.toFixed(1),
    ms_per_step: +ours.ms_per_step.toFixed(1),
    torch_img_per_s: theirs ? +theirs.img_per_s.toFixed(1) : null,
    torch_ms_per_step: theirs ? +theirs.ms_per_step.toFixed(1) : null,
    ratio: theirs ? +(ours.img_per_s / theirs.img_per_s).toFixed(3) : null,
    name,
  });
  const rows = [row("reference CNN, 28x28x1, batch 128", cnn, torch?.reference_cnn), row(`NB201 best cell, 32x32x3, batch ${NB201_BATCH}`, nb201, torch?.nb201)];
  console.log(`nascent (jax-js 0.1.25, wasm, ${engineThreads()} threads) vs ${torch ? `PyTorch ${torch.torch} (2 threads)` : "PyTorch: not installed (apt-get install python3-torch)"}`);
  console.log("| model | nascent img/s | ms/step | PyTorch img/s | ms/step | ratio |");
  console.log("|---|---|---|---|---|---|");
  for (const r of rows) console.log(`| ${r.name} | ${r.img_per_s} | ${r.ms_per_step} | ${r.torch_img_per_s ?? "-"} | ${r.torch_ms_per_step ?? "-"} | ${r.ratio ?? "-"} |`);
  console.log(`jit compile: reference CNN ${cnn.compile_s.toFixed(1)} s, NB201 ${nb201.compile_s.toFixed(1)} s (first step, excluded)`);
  const strip = ({ name, ...rest }: ReturnType<typeof row>) => (void name, rest);
  console.log(JSON.stringify({ reference_cnn: strip(rows[0]), nb201: strip(rows[1]) }));
}

function engineThreads(): number {
  return Number(process.env.NASCENT_THREADS) || (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency || 1;
}

await main();
