import { NascentError } from "../core/errors.js";
import type { Genome } from "./genome.js";

/** The NEAT paper's steepened sigmoid 1/(1 + e^(-4.9x)) (Sec. 4.1), near-linear over [-0.5, 0.5]. */
export const steepenedSigmoid = (x: number) => 1 / (1 + Math.exp(-4.9 * x));

interface CompiledNode {
  index: number;
  forward: { source: number; weight: number }[];
  recurrent: { source: number; weight: number }[];
}

/**
 * The phenotype of a genome, run directly (no training). `activate` maps inputs (length I, the bias is
 * added) to outputs in one network step: forward connections are evaluated in topological order, and
 * recurrent connections read their source's value from the previous step, which `reset` sets to 0.
 */
export class NeatNetwork {
  private readonly values: Float64Array;
  private readonly previous: Float64Array;
  private readonly order: CompiledNode[];
  private readonly inputIndices: number[];
  private readonly biasIndex: number;
  private readonly outputIndices: number[];

  constructor(genome: Genome) {
    const index = new Map<number, number>(genome.nodes.map((n, i) => [n.id, i]));
    this.values = new Float64Array(genome.nodes.length);
    this.previous = new Float64Array(genome.nodes.length);
    this.inputIndices = genome.nodes.flatMap((n, i) => (n.kind === "input" ? [i] : []));
    this.outputIndices = genome.nodes.flatMap((n, i) => (n.kind === "output" ? [i] : []));
    this.biasIndex = genome.nodes.findIndex((n) => n.kind === "bias");
    const compiled = new Map<number, CompiledNode>();
    for (const n of genome.nodes) if (n.kind === "hidden" || n.kind === "output") compiled.set(n.id, { index: index.get(n.id) as number, forward: [], recurrent: [] });
    const dependents = new Map<number, number[]>();
    const pendingInputs = new Map<number, number>();
    for (const c of genome.connections) {
      if (!c.enabled) continue;
      const target = compiled.get(c.to);
      const source = index.get(c.from);
      if (!target || source === undefined) throw new NascentError(`NEAT connection ${c.innovation} joins unknown nodes ${c.from} -> ${c.to}`);
      (c.recurrent ? target.recurrent : target.forward).push({ source, weight: c.weight });
      if (!c.recurrent && compiled.has(c.from)) {
        dependents.set(c.from, [...(dependents.get(c.from) ?? []), c.to]);
        pendingInputs.set(c.to, (pendingInputs.get(c.to) ?? 0) + 1);
      }
    }
    // Kahn's algorithm over the forward connections between computed nodes.
    this.order = [];
    const ready = [...compiled.keys()].filter((id) => !pendingInputs.get(id));
    while (ready.length) {
      const id = ready.shift() as number;
      this.order.push(compiled.get(id) as CompiledNode);
      for (const next of dependents.get(id) ?? []) {
        const left = (pendingInputs.get(next) as number) - 1;
        pendingInputs.set(next, left);
        if (left === 0) ready.push(next);
      }
    }
    if (this.order.length !== compiled.size) throw new NascentError("NEAT genome has a cycle among its forward connections");
  }

  get inputCount(): number {
    return this.inputIndices.length;
  }

  /** Hidden nodes that take part in the computation. */
  get hiddenCount(): number {
    return this.order.length - this.outputIndices.length;
  }

  reset(): void {
    this.values.fill(0);
    this.previous.fill(0);
  }

  activate(inputs: ArrayLike<number>): number[] {
    if (inputs.length !== this.inputIndices.length) throw new NascentError(`NEAT network expects ${this.inputIndices.length} inputs, got ${inputs.length}`);
    this.previous.set(this.values);
    this.inputIndices.forEach((i, k) => (this.values[i] = inputs[k]));
    if (this.biasIndex >= 0) this.values[this.biasIndex] = 1;
    for (const node of this.order) {
      let sum = 0;
      for (const c of node.forward) sum += c.weight * this.values[c.source];
      for (const c of node.recurrent) sum += c.weight * this.previous[c.source];
      this.values[node.index] = steepenedSigmoid(sum);
    }
    return this.outputIndices.map((i) => this.values[i]);
  }
}
