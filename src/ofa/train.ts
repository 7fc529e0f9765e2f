import { Rng } from "../core/rng.js";
import { shuffledIndices } from "../nn/data/dataset.js";
import type { HostTensors } from "../nn/engine/engine.js";
import { initNetwork } from "../nn/init.js";
import { initialTransforms } from "./elastic.js";
import { calibratedSubnet, subnetAccuracy, type EvalData, type Resized } from "./evaluate.js";
import { configKey, fullConfig, ofaNetwork, sideOf, type OfaConfig, type OfaShape } from "./network.js";
import { cosineLr, drawResolution, samplePhaseConfig, type Phase } from "./phases.js";
import { importanceOrder, permuteHidden } from "./resort.js";
import { softmaxRows, type OfaRunner } from "./runner.js";
import { addGradients, sgdUpdate } from "../nn/host-sgd.js";
import { bucketMeans, LOSS_CURVE_SLICES, loadOfaState, saveOfaState, type OfaState, type SupernetMeta } from "./state.js";

export interface ShrinkOptions {
  phases: Phase[];
  batch: number;
  seed: number;
  /** Weight of the distillation term (OFA's kd_ratio). */
  kdRatio: number;
  weightDecay: number;
  /** Checkpoint every this many steps inside a phase too (0: only at phase ends). */
  checkpointEvery: number;
  /** Sub-networks whose validation accuracy is recorded after each phase. */
  probes: OfaConfig[];
  dir: string;
  meta: SupernetMeta;
  onStep?: (phase: Phase, step: number, steps: number, loss: number) => void;
  /** Called after each checkpoint is on disk (a test stops the run here to simulate a kill). */
  onCheckpoint?: (state: OfaState) => void;
}

/** Training steps of a phase: its passes times whole batches per pass (at least one step). */
export const phaseSteps = (phase: Phase, images: number, batch: number): number => Math.max(1, Math.round(phase.epochs * Math.floor(images / batch)));

/** The fresh state: the full network's initial weights plus identity transformation matrices. */
export function initialState(shape: OfaShape, seed: number): OfaState {
  const full = initNetwork(ofaNetwork(shape, fullConfig()), shape.input, Rng.derive(seed, "ofa-init"));
  return { phase: 0, step: 0, supernet: { params: { ...full.params, ...initialTransforms() }, state: full.state }, momentum: {}, teacher: null, history: [], running: [], seconds: 0 };
}

/** The training images of step `step` of phase `phase`: batch `step` of a per-pass shuffle derived from the seed. */
function batchIndices(seed: number, phase: number, step: number, images: number, batch: number): Int32Array {
  const perPass = Math.floor(images / batch);
  const order = shuffledIndices(images, Rng.derive(seed, "ofa-order", phase, Math.floor(step / perPass)));
  const at = (step % perPass) * batch;
  return order.subarray(at, at + batch);
}

/**
 * Progressive shrinking (Cai et al. 2020, sec. 3.2): phase by phase, each step draws a resolution, takes
 * the teacher's soft targets (the full network after phase 0, eval mode) and sums the gradients of
 * `phase.subnets` sampled sub-networks into one SGD step of the shared weights. Resumes from `dir`.
 */
export async function progressiveShrink(runner: OfaRunner, train: Resized, evalData: EvalData, options: ShrinkOptions): Promise<OfaState> {
  const { shape } = runner;
  // The run's identity up to a position: the phases begun so far, so a resumed run may re-plan later phases.
  const fingerprint = ({ phase, step }: { phase: number; step: number }) =>
    JSON.stringify({ shape, phases: options.phases.slice(0, step > 0 ? phase + 1 : phase), batch: options.batch, seed: options.seed, kd: options.kdRatio, wd: options.weightDecay, data: options.meta.dataset, n: train.dataset.count });
  let state = loadOfaState(options.dir, fingerprint) ?? initialState(shape, options.seed);
  while (state.phase < options.phases.length) {
    const phase = options.phases[state.phase];
    const steps = phaseSteps(phase, train.dataset.count, options.batch);
    let started = performance.now();
    const tick = () => {
      const now = performance.now();
      state = { ...state, seconds: state.seconds + (now - started) / 1000 };
      started = now;
    };
    if (state.step === 0 && phase.resort) {
      const orders = importanceOrder(shape, state.supernet.params);
      state = { ...state, supernet: { params: permuteHidden(shape, state.supernet.params, orders), state: permuteHidden(shape, state.supernet.state, orders) }, momentum: permuteHidden(shape, state.momentum, orders) };
    }
    while (state.step < steps) {
      const rng = Rng.derive(options.seed, "ofa-step", state.phase, state.step);
      const resolution = drawResolution(rng);
      const side = sideOf(shape, { ...fullConfig(), resolution });
      const { x, labels } = train.batch(side, batchIndices(options.seed, state.phase, state.step, train.dataset.count, options.batch));
      const teacher = phase.distil && state.teacher ? softmaxRows(await runner.forward({ ...fullConfig(), resolution }, state.teacher, x, labels.length, false)) : null;
      const grads: HostTensors = {};
      let loss = 0;
      for (let j = 0; j < phase.subnets; j++) {
        const config = phase.name === "full" ? { ...fullConfig(), resolution } : samplePhaseConfig(phase, resolution, rng);
        const result = await runner.gradients(state.supernet, config, x, labels, teacher, options.kdRatio);
        addGradients(grads, result.grads);
        loss += result.loss / phase.subnets;
      }
      const update = sgdUpdate(state.supernet.params, grads, state.momentum, cosineLr(phase.learningRate, state.step, steps), { momentum: 0.9, nesterov: true, weightDecay: options.weightDecay });
      state = { ...state, step: state.step + 1, supernet: { params: update.params, state: state.supernet.state }, momentum: update.state, running: [...state.running, loss] };
      options.onStep?.(phase, state.step, steps, loss);
      if (options.checkpointEvery > 0 && state.step % options.checkpointEvery === 0 && state.step < steps) {
        tick();
        await save(state);
      }
    }
    if (state.phase === 0) state = { ...state, teacher: await calibratedSubnet(runner, state.supernet, fullConfig(), evalData) };
    const accuracy: Record<string, number> = {};
    for (const probe of options.probes) accuracy[configKey(probe)] = await subnetAccuracy(runner, state.supernet, probe, evalData);
    tick();
    const before = state.history.reduce((a, h) => a + h.seconds, 0);
    const record = { phase: phase.name, steps, lossCurve: bucketMeans(state.running, LOSS_CURVE_SLICES), accuracy, seconds: state.seconds - before };
    state = { ...state, phase: state.phase + 1, step: 0, running: [], history: [...state.history, record] };
    await save(state);
  }
  return state;

  async function save(current: OfaState): Promise<void> {
    await saveOfaState(options.dir, current, options.meta, fingerprint(current));
    options.onCheckpoint?.(current);
  }
}
