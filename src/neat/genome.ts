import { NascentError } from "../core/errors.js";
import type { Rng } from "../core/rng.js";

/** A node gene; ids are global across the population, so equal ids mean the same historical node. */
export interface NodeGene {
  readonly id: number;
  readonly kind: "input" | "bias" | "hidden" | "output";
}

/**
 * A connection gene (Stanley & Miikkulainen 2002, Fig. 2). `innovation` is the historical marking that
 * lines genes up in crossover and in the compatibility distance. `recurrent` connections read the source's
 * activation from the previous network step, so the forward connections always form a DAG.
 */
export interface ConnectionGene {
  readonly innovation: number;
  readonly from: number;
  readonly to: number;
  weight: number;
  enabled: boolean;
  readonly recurrent: boolean;
}

export interface Genome {
  readonly nodes: NodeGene[];
  /** Sorted by innovation number. */
  readonly connections: ConnectionGene[];
}

export interface GenomeShape {
  inputs: number;
  outputs: number;
}

/** Node ids of the minimal genome: inputs 0..I-1, bias I, outputs I+1..I+O. */
export const biasId = (shape: GenomeShape) => shape.inputs;
export const firstOutputId = (shape: GenomeShape) => shape.inputs + 1;

/**
 * The uniform minimal start of NEAT (Sec. 3.4): every input and the bias connected to every output, no
 * hidden nodes, weights uniform in [-1, 1]. Innovation numbers 0..(I+1)*O-1 are shared by the whole population.
 */
export function minimalGenome(shape: GenomeShape, rng: Rng): Genome {
  if (!(shape.inputs >= 1 && shape.outputs >= 1)) throw new NascentError(`a NEAT genome needs at least one input and one output, got ${shape.inputs} and ${shape.outputs}`);
  const nodes: NodeGene[] = [];
  for (let i = 0; i < shape.inputs; i++) nodes.push({ id: i, kind: "input" });
  nodes.push({ id: biasId(shape), kind: "bias" });
  for (let o = 0; o < shape.outputs; o++) nodes.push({ id: firstOutputId(shape) + o, kind: "output" });
  const connections: ConnectionGene[] = [];
  for (let o = 0; o < shape.outputs; o++) {
    for (let i = 0; i <= shape.inputs; i++) {
      connections.push({ innovation: o * (shape.inputs + 1) + i, from: i, to: firstOutputId(shape) + o, weight: rng.float() * 2 - 1, enabled: true, recurrent: false });
    }
  }
  return { nodes, connections };
}

export function cloneGenome(genome: Genome): Genome {
  return { nodes: genome.nodes.slice(), connections: genome.connections.map((c) => ({ ...c })) };
}

export interface CompatibilityCoefficients {
  /** c1, c2, c3 of Eq. 1. */
  excess: number;
  disjoint: number;
  weight: number;
}

/**
 * Compatibility distance δ = c1·E/N + c2·D/N + c3·W̄ (Stanley & Miikkulainen 2002, Eq. 1): E excess and
 * D disjoint genes, W̄ the mean weight difference of matching genes. N is the larger genome's gene count,
 * set to 1 below 20 genes as the paper does.
 */
export function compatibilityDistance(a: Genome, b: Genome, c: CompatibilityCoefficients): number {
  const x = a.connections;
  const y = b.connections;
  let i = 0;
  let j = 0;
  let disjoint = 0;
  let matching = 0;
  let weightDifference = 0;
  while (i < x.length && j < y.length) {
    if (x[i].innovation === y[j].innovation) {
      weightDifference += Math.abs(x[i].weight - y[j].weight);
      matching++;
      i++;
      j++;
    } else if (x[i].innovation < y[j].innovation) {
      disjoint++;
      i++;
    } else {
      disjoint++;
      j++;
    }
  }
  const excess = x.length - i + (y.length - j);
  const largest = Math.max(x.length, y.length);
  const n = largest < 20 ? 1 : largest;
  return (c.excess * excess) / n + (c.disjoint * disjoint) / n + c.weight * (matching ? weightDifference / matching : 0);
}
