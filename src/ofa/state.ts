import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { NascentError } from "../core/errors.js";
import { loadCheckpoint, saveCheckpoint } from "../nn/checkpoint.js";
import type { HostTensors, Weights } from "../nn/engine/engine.js";
import type { OfaShape } from "./network.js";

/** What one phase leaves in the record: its mean losses and the accuracies of its probe sub-networks. */
export interface PhaseRecord {
  phase: string;
  steps: number;
  /** Mean training loss per slice of the phase (a curve), first to last. */
  lossCurve: number[];
  /** Validation accuracy of a few fixed sub-networks after the phase, BatchNorm recalibrated. */
  accuracy: Record<string, number>;
  seconds: number;
}

/**
 * Progressive shrinking's whole state at a step boundary (state in, state out): the supernet's weights
 * and SGD buffers, the teacher, where the run is (phase, step) and the record. Every random draw of a
 * step is derived from (seed, phase, step), so this is all a resume needs.
 */
export interface OfaState {
  phase: number;
  step: number;
  supernet: Weights;
  momentum: HostTensors;
  teacher: Weights | null;
  history: PhaseRecord[];
  /** Training losses of the current phase's steps so far (its curve is recorded when it ends). */
  running: number[];
  seconds: number;
}

/** What a saved supernet is: enough for `ofa search` and `ofa extract` to rebuild its sub-networks. */
export interface SupernetMeta {
  shape: OfaShape;
  dataset: string;
  trainImages: number;
  /** Images per step (absent in supernets saved before it was recorded). */
  batch?: number;
}

interface StateJson {
  meta: SupernetMeta;
  phase: number;
  step: number;
  file: string;
  history: PhaseRecord[];
  running: number[];
  seconds: number;
  fingerprint: string;
}

const MOMENTUM = "momentum:";
const TEACHER = "teacher:";
const TEACHER_STATE = "teacher-state:";

/**
 * Writes the state into `dir`: supernet-P-S.safetensors, then state.json naming it, each by write-and-rename,
 * so a kill between the two leaves the previous pair intact; older weight files are removed afterwards.
 */
export async function saveOfaState(dir: string, state: OfaState, meta: SupernetMeta, fingerprint: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const previous = existsSync(join(dir, "state.json")) ? (JSON.parse(readFileSync(join(dir, "state.json"), "utf8")) as StateJson).file : null;
  const params: HostTensors = { ...state.supernet.params };
  for (const [name, t] of Object.entries(state.momentum)) params[MOMENTUM + name] = t;
  for (const [name, t] of Object.entries(state.teacher?.params ?? {})) params[TEACHER + name] = t;
  for (const [name, t] of Object.entries(state.teacher?.state ?? {})) params[TEACHER_STATE + name] = t;
  const file = `supernet-${state.phase}-${state.step}.safetensors`;
  await saveCheckpoint(join(dir, file), { network: { kind: "sequential", layers: [] }, input: [], params, state: state.supernet.state });
  const json: StateJson = { meta, phase: state.phase, step: state.step, file, history: state.history, running: state.running, seconds: state.seconds, fingerprint };
  writeFileSync(join(dir, "state.json.tmp"), JSON.stringify(json, null, 1));
  renameSync(join(dir, "state.json.tmp"), join(dir, "state.json"));
  if (previous && previous !== file) rmSync(join(dir, previous), { force: true });
}

/**
 * The state saved in `dir`, or null; an error when it is another run's: `fingerprint` gives the run's
 * fingerprint at the saved position (so it may cover only the phases already run).
 */
export function loadOfaState(dir: string, fingerprintAt?: (position: { phase: number; step: number }) => string): (OfaState & { meta: SupernetMeta }) | null {
  if (!existsSync(join(dir, "state.json"))) return null;
  const json = JSON.parse(readFileSync(join(dir, "state.json"), "utf8")) as StateJson;
  const fingerprint = fingerprintAt?.(json);
  if (fingerprint !== undefined && json.fingerprint !== fingerprint) throw new NascentError(`${dir}: the checkpoint is of another run (${json.fingerprint}); this one is ${fingerprint}`);
  const checkpoint = loadCheckpoint(join(dir, json.file));
  const params: HostTensors = {};
  const momentum: HostTensors = {};
  const teacher: Weights = { params: {}, state: {} };
  for (const [name, t] of Object.entries(checkpoint.params)) {
    if (name.startsWith(MOMENTUM)) momentum[name.slice(MOMENTUM.length)] = t;
    else if (name.startsWith(TEACHER_STATE)) teacher.state[name.slice(TEACHER_STATE.length)] = t;
    else if (name.startsWith(TEACHER)) teacher.params[name.slice(TEACHER.length)] = t;
    else params[name] = t;
  }
  const hasTeacher = Object.keys(teacher.params).length > 0;
  return { meta: json.meta, phase: json.phase, step: json.step, supernet: { params, state: checkpoint.state }, momentum, teacher: hasTeacher ? teacher : null, history: json.history, running: json.running, seconds: json.seconds };
}

/** What a supernet directory says about its training, without reading its weights (for the dashboard). */
export interface OfaTrainingRecord {
  meta: SupernetMeta;
  phase: number;
  step: number;
  history: PhaseRecord[];
  running: number[];
  seconds: number;
}

/** The training record in `dir`/state.json, or null when there is none. */
export function readOfaRecord(dir: string): OfaTrainingRecord | null {
  if (!existsSync(join(dir, "state.json"))) return null;
  const { meta, phase, step, history, running, seconds } = JSON.parse(readFileSync(join(dir, "state.json"), "utf8")) as StateJson;
  return { meta, phase, step, history, running, seconds };
}

/** Slices a phase's step losses are averaged into for its recorded curve. */
export const LOSS_CURVE_SLICES = 20;

/** Means of `buckets` equal slices of a series (a loss curve small enough to record). */
export function bucketMeans(values: number[], buckets: number): number[] {
  const n = Math.min(buckets, values.length);
  return Array.from({ length: n }, (_, b) => {
    const slice = values.slice(Math.floor((b * values.length) / n), Math.floor(((b + 1) * values.length) / n));
    return slice.reduce((a, v) => a + v, 0) / slice.length;
  });
}
