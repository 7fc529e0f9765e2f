import type { Rng } from "../core/rng.js";
import { OFA_RESOLUTIONS, type OfaConfig } from "./network.js";

/** One phase of progressive shrinking (Cai et al. 2020, sec. 3.2 and fig. 3): which choices it samples from. */
export interface Phase {
  name: "full" | "kernel" | "depth-1" | "depth-2" | "expand-1" | "expand-2";
  /** Passes over the training set (fractions allowed: the run is sized in steps). */
  epochs: number;
  learningRate: number;
  kernels: number[];
  depths: number[];
  expands: number[];
  /** Sub-networks sampled per step, their gradients summed (OFA's dynamic_batch_size). */
  subnets: number;
  /** Distil from the full network trained in the first phase. */
  distil: boolean;
  /** Re-sort hidden channels by importance before the phase. */
  resort: boolean;
}

/**
 * OFA's schedule shape: the full network, then elastic kernel, depth {3,4} then {2,3,4}, expand {4,6} then
 * {3,4,6}, each later phase distilled from the full network; OFA's ImageNet epochs are 120/25/120/25/120 after
 * the full network, with learning rates 3e-2, 2.5e-3, 7.5e-3. `epochs` gives each phase's passes here.
 */
export function progressiveShrinking(epochs: { full: number; kernel: number; short: number; long: number }, lr = { full: 0.1, kernel: 3e-2, short: 2.5e-3, long: 7.5e-3 }): Phase[] {
  const base = { kernels: [7], depths: [4], expands: [6], subnets: 1, distil: true, resort: false };
  return [
    { ...base, name: "full", epochs: epochs.full, learningRate: lr.full, distil: false },
    { ...base, name: "kernel", epochs: epochs.kernel, learningRate: lr.kernel, kernels: [3, 5, 7] },
    { ...base, name: "depth-1", epochs: epochs.short, learningRate: lr.short, kernels: [3, 5, 7], depths: [3, 4], subnets: 2 },
    { ...base, name: "depth-2", epochs: epochs.long, learningRate: lr.long, kernels: [3, 5, 7], depths: [2, 3, 4], subnets: 2 },
    { ...base, name: "expand-1", epochs: epochs.short, learningRate: lr.short, kernels: [3, 5, 7], depths: [2, 3, 4], expands: [4, 6], subnets: 2, resort: true },
    { ...base, name: "expand-2", epochs: epochs.long, learningRate: lr.long, kernels: [3, 5, 7], depths: [2, 3, 4], expands: [3, 4, 6], subnets: 2, resort: true },
  ];
}

/** A random sub-network of a phase, per stage (resolution is drawn per batch, separately). */
export function samplePhaseConfig(phase: Phase, resolution: number, rng: Rng): OfaConfig {
  return { resolution, stages: [0, 1, 2, 3].map(() => ({ kernel: rng.pick(phase.kernels), expand: rng.pick(phase.expands), depth: rng.pick(phase.depths) })) };
}

export const drawResolution = (rng: Rng): number => rng.pick([...OFA_RESOLUTIONS]);

/** Cosine decay from `base` to 0 over a phase's steps (OFA's per-iteration cosine schedule, no warm-up). */
export const cosineLr = (base: number, step: number, steps: number): number => 0.5 * base * (1 + Math.cos((Math.PI * step) / Math.max(1, steps)));
