import { cpus } from "node:os";
import type { Engine } from "../nn/engine/engine.js";
import { lowerNetwork } from "../nn/graph/lower.js";
import { initNetwork } from "../nn/init.js";
import { act, bn, conv, seq } from "../nn/blocks.js";
import { nb201Cell, nb201Network, reductionBlock } from "../nn/builders/nb201.js";
import type { Layer } from "../nn/layers.js";
import { CLOCKS, measureLatency, type ClockName, type MeasureOptions } from "../evaluate/devices/protocol.js";
import { NB201_OPS, type Nb201Config, type Nb201Op } from "../space/builtin/nb201.js";
import { Rng } from "../core/rng.js";

/**
 * A per-op latency lookup table for the NB201 network on one device (FBNet, Wu et al. 2019, sec. 3.2;
 * ProxylessNAS, Cai et al. 2019, sec. 3.3), additive as both papers assume: a cell's latency is predicted as
 * base + N * sum over stages and edges of ops[stage][op]. Each entry is measured in context, as the latency
 * of the network whose cells in that stage have every edge = op (all others `none`) minus the all-`none`
 * base, per edge: an op timed alone missed most of its cost inside the network here (the all-conv cell
 * measured 1.07 ms against 0.43 ms summed from ops timed alone, on the torch engine at C=4, N=1).
 */
export interface Nb201LatencyTable {
  device: string;
  clock: ClockName;
  channels: number;
  cellsPerStage: number;
  input: [number, number, number];
  /** What one edge with this op adds (ms) over `none`, [stage][NB201_OPS index] (0 for none). */
  ops: number[][];
  /** The all-`none` network (ms). */
  base: number;
}

/** One measurement protocol for the table and the check (shorter caps than the devices' default: many small nets). */
export const LUT_MEASURE: MeasureOptions = { warmup: 10, minRepeats: 30, maxRepeats: 3000, relativeError: 0.01, timeCapMs: 1500 };

async function latencyOf(engine: Engine, network: Layer, input: [number, number, number], clock: ClockName, options: MeasureOptions): Promise<number> {
  const graph = lowerNetwork(network, input);
  const model = engine.compile(graph, initNetwork(network, input, Rng.derive("latency weights")), { optimizer: { name: "sgd", momentum: 0, nesterov: false, weightDecay: 0 }, seed: 0 });
  try {
    const x = new Float32Array(input.reduce((a, b) => a * b, 1)).fill(0.5);
    return (await measureLatency(async () => void (await model.forward(x, 1, false)), options, CLOCKS[clock])).medianMs;
  } finally {
    model.dispose();
  }
}

/** Measures the table on `engine` (batch 1, eval mode). Stage s has C * 2^s channels at ceil(H / 2^s). */
export async function measureNb201LatencyTable(engine: Engine, shape: { channels: number; cellsPerStage: number; input: [number, number, number]; classes: number }, clock: ClockName = "process-cpu", options = LUT_MEASURE): Promise<Nb201LatencyTable> {
  const none: Nb201Config = { edges: Array(6).fill("none") };
  const base = await latencyOf(engine, stagedNb201Network([none, none, none], shape), shape.input, clock, options);
  const ops: number[][] = [];
  for (let stage = 0; stage < 3; stage++) {
    const row: number[] = [];
    for (const op of NB201_OPS) {
      const configs = [none, none, none];
      configs[stage] = { edges: Array(6).fill(op) };
      row.push(op === "none" ? 0 : ((await latencyOf(engine, stagedNb201Network(configs, shape), shape.input, clock, options)) - base) / (6 * shape.cellsPerStage));
    }
    ops.push(row);
  }
  return { device: `${engine.name} engine (${engine.version}, ${engine.threads} thread(s), ${cpus()[0]?.model ?? "cpu"})`, clock, channels: shape.channels, cellsPerStage: shape.cellsPerStage, input: shape.input, ops, base };
}

/** The NB201 network (nn/builders' nb201Network) with a cell config per stage. */
export function stagedNb201Network(configs: Nb201Config[], shape: { channels: number; cellsPerStage: number; classes: number }): Layer {
  const c = shape.channels;
  const layers: Layer[] = [conv(c, 3), bn()];
  [c, 2 * c, 4 * c].forEach((channels, stage) => {
    if (stage > 0) layers.push(reductionBlock(channels / 2, channels));
    for (let i = 0; i < shape.cellsPerStage; i++) layers.push(nb201Cell(configs[stage], channels));
  });
  layers.push(bn(), act("relu"), { kind: "globalPool" }, { kind: "dense", out: shape.classes });
  return seq(...layers);
}

/** The real batch-1 latency (ms) of an NB201 network with this cell. */
export function measureNb201Latency(engine: Engine, config: Nb201Config, shape: { channels: number; cellsPerStage: number; input: [number, number, number]; classes: number }, clock: ClockName = "process-cpu", options = LUT_MEASURE): Promise<number> {
  return latencyOf(engine, nb201Network(config, shape.classes, { channels: shape.channels, cellsPerStage: shape.cellsPerStage }), shape.input, clock, options);
}

/** Per op, what choosing it on one edge adds to the network's latency (ms): N * sum over stages of (op - none). */
export function edgeOpCosts(table: Nb201LatencyTable): number[] {
  const none = NB201_OPS.indexOf("none");
  return NB201_OPS.map((_, i) => table.cellsPerStage * table.ops.reduce((s, row) => s + row[i] - row[none], 0));
}

/** The table's prediction (ms) for a cell. */
export function predictNb201Latency(table: Nb201LatencyTable, config: Nb201Config): number {
  const costs = edgeOpCosts(table);
  return table.base + config.edges.reduce((s, op) => s + costs[NB201_OPS.indexOf(op as Nb201Op)], 0);
}

/** The expected latency (ms) under per-edge op probabilities p [6][5]: base + sum_e sum_i p_ei * cost_i (ProxylessNAS, eq. 3). */
export const expectedLatency = (table: Nb201LatencyTable, p: readonly (readonly number[])[]): number => {
  const costs = edgeOpCosts(table);
  return table.base + p.reduce((s, row) => s + row.reduce((t, pi, i) => t + pi * costs[i], 0), 0);
};
