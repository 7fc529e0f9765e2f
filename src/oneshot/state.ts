import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadCheckpoint, saveCheckpoint } from "../nn/checkpoint.js";
import type { HostTensors, Weights } from "../nn/engine/engine.js";
import { NascentError } from "../core/errors.js";
import type { AdamState, SgdState } from "./optim.js";
import type { OneshotSpace } from "./layout.js";

/** What one epoch of a search leaves in its study record. */
export interface EpochRecord {
  epoch: number;
  /** Mean weight-step loss over the epoch (training half). */
  trainLoss: number;
  /** Mean architecture-step loss (validation half), when the method learns alpha. */
  archLoss: number | null;
  /** Hardware-aware methods: the mean latency (ms) the architecture loss saw (E[LAT] or LAT under the mask). */
  latencyMs?: number;
  /** Accuracy of the supernet (DARTS: all ops mixed; others: the current genotype) on held-out images, BatchNorm on batch statistics. */
  supernetAccuracy: number;
  /** softmax(alpha) per edge (NB201: [6][5] in NB201_OPS order; NB301: [28][8]); null for methods without alpha. */
  alphaSoftmax: number[][] | null;
  genotype: string | null;
  temperature: number | null;
  learningRate: number;
  seconds: number;
}

/**
 * A search's whole state after some epochs (state in, state out): the shared weights and their SGD
 * buffers, alpha and its Adam moments, and the history. Nothing else is needed to resume, because every
 * random draw of epoch e is derived from (seed, e, step) and not from a stream carried across epochs.
 */
export interface SearchState {
  epochsDone: number;
  weights: Weights;
  momentum: SgdState;
  alpha: number[][];
  alphaOptimizer: AdamState;
  /** ENAS's moving-average reward baseline (0 for the other methods). */
  baseline?: number;
  history: EpochRecord[];
  seconds: number;
}

/** What a saved supernet is: its shape and the data it was trained on (read by the supernet evaluator). */
export interface SupernetMeta {
  /** The cell space (absent in checkpoints written before NB301: nb201). */
  space?: OneshotSpace;
  channels: number;
  /** NB201: cells per stage; NB301: the number of cells. */
  cellsPerStage: number;
  input: [number, number, number];
  classes: number;
  /** The training set's name and size, e.g. fashion-mnist/train and 2560. */
  dataset: string;
  trainImages: number;
}

interface StateJson {
  supernet: SupernetMeta;
  epochsDone: number;
  alpha: number[][];
  alphaOptimizer: AdamState;
  baseline?: number;
  history: EpochRecord[];
  seconds: number;
  fingerprint: string;
}

const MOMENTUM = "momentum:";

/**
 * Writes a state into `dir` (weights-EPOCH.safetensors, then state.json naming that epoch, each by
 * write-and-rename, so a kill between the two leaves the previous epoch's pair intact; alpha and
 * Adam moments as JSON numbers, which round-trip doubles exactly). `fingerprint` names the run (method,
 * shape, seed, data), so a resume with other settings is refused.
 */
export async function saveSearchState(dir: string, state: SearchState, fingerprint: string, supernet: SupernetMeta): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const params: HostTensors = { ...state.weights.params };
  for (const [name, buffer] of Object.entries(state.momentum)) params[MOMENTUM + name] = buffer;
  await saveCheckpoint(join(dir, `weights-${state.epochsDone}.safetensors`), { network: { kind: "sequential", layers: [] }, input: [], params, state: state.weights.state });
  const json: StateJson = { supernet, epochsDone: state.epochsDone, alpha: state.alpha, alphaOptimizer: state.alphaOptimizer, baseline: state.baseline ?? 0, history: state.history, seconds: state.seconds, fingerprint };
  writeFileSync(join(dir, "state.json.tmp"), JSON.stringify(json));
  renameSync(join(dir, "state.json.tmp"), join(dir, "state.json"));
}

/** The state saved in `dir`, or null when there is none; an error when it belongs to another run (fingerprint given). */
export function loadSearchState(dir: string, fingerprint?: string): (SearchState & { supernet: SupernetMeta }) | null {
  if (!existsSync(join(dir, "state.json"))) return null;
  const json = JSON.parse(readFileSync(join(dir, "state.json"), "utf8")) as StateJson;
  if (fingerprint !== undefined && json.fingerprint !== fingerprint) throw new NascentError(`${dir}: the checkpoint is of another run (${json.fingerprint}); this one is ${fingerprint}`);
  const checkpoint = loadCheckpoint(join(dir, `weights-${json.epochsDone}.safetensors`));
  const params: HostTensors = {};
  const momentum: SgdState = {};
  for (const [name, tensor] of Object.entries(checkpoint.params)) {
    if (name.startsWith(MOMENTUM)) momentum[name.slice(MOMENTUM.length)] = tensor;
    else params[name] = tensor;
  }
  return { supernet: json.supernet, epochsDone: json.epochsDone, weights: { params, state: checkpoint.state }, momentum, alpha: json.alpha, alphaOptimizer: json.alphaOptimizer, baseline: json.baseline ?? 0, history: json.history, seconds: json.seconds };
}
