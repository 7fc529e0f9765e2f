import type { Rng } from "../core/rng.js";
import type { HostTensors, Weights } from "../nn/engine/engine.js";
import type { Layer } from "../nn/layers.js";
import type { Space } from "../space/space.js";

/** Which ops of each architecture row (alpha's rows, one per edge decision) one graph runs, ascending op indices. */
export type PathSet = number[][];

export const ONESHOT_SPACES = ["nb201", "nb301"] as const;
export type OneshotSpace = (typeof ONESHOT_SPACES)[number];

/**
 * What the one-shot code needs to know of a cell space's supernet: its mixed edges grouped by the
 * architecture row they share (every cell of a kind shares alpha), the nodes they feed (PC-DARTS's edge
 * normalisation), how to build the supernet restricted to some ops, and how architecture parameters map
 * to a config of the space and back. The search loop, edge modes and runner work on any layout.
 */
export interface SupernetLayout<Config = unknown> {
  readonly space: OneshotSpace;
  readonly configSpace: Space<Config>;
  /** The candidate ops of every edge, alpha's columns. */
  readonly ops: readonly string[];
  /** Per architecture row, the paths of the mixed edges that share it (one per cell of its kind). */
  readonly edges: string[][];
  /** Per node of a cell (every kind of cell), the architecture rows of its input edges in order. */
  readonly nodes: number[][];
  readonly input: [number, number, number];
  /** The supernet with only the ops of `paths` built (same parameter names whatever `paths` is). */
  network(paths: PathSet, options?: { probe?: boolean; partialChannels?: number }): Layer;
  /** The genotype of architecture weights [rows][ops] (DARTS: per node, the 2 strongest non-`none` inputs). */
  genotype(weights: readonly (readonly number[])[]): Config;
  /** The single path of a config: the chosen op on its edges (`none` on the edges it does not use). */
  pathsOf(config: Config): PathSet;
  /** The config of a single path (the inverse of pathsOf on the paths it gives). */
  configOf(paths: PathSet): Config;
  /** The standalone network of a config, whose weights `inheritWeights` gives. */
  standalone(config: Config): Layer;
}

/** The ops every row runs: the whole supernet. */
export const allOps = (layout: SupernetLayout): PathSet => layout.edges.map(() => layout.ops.map((_, i) => i));

/**
 * The standalone network's weights (layout.standalone) inherited from the supernet for one config: an edge's
 * op weights `EDGE.OP.rest` become `EDGE.rest` for its chosen op; the other ops' weights, the mixing weights,
 * the probes and the edges the config does not use are dropped; everything else is kept as it is.
 */
export function inheritWeights<Config>(layout: SupernetLayout<Config>, weights: Weights, config: Config): Weights {
  const chosen = new Map<string, number>();
  layout.pathsOf(config).forEach((ops, row) => layout.edges[row].forEach((edge) => chosen.set(edge, ops[0])));
  const rename = (tensors: HostTensors): HostTensors => {
    const renamed: HostTensors = {};
    for (const [name, tensor] of Object.entries(tensors)) {
      const target = inheritedName(name, chosen);
      if (target) renamed[target] = tensor;
    }
    return renamed;
  };
  return { params: rename(weights.params), state: rename(weights.state) };
}

function inheritedName(name: string, chosen: Map<string, number>): string | null {
  // Edge paths are prefixes of their ops' weights; try every dot position from the right (paths are short).
  for (let dot = name.lastIndexOf("."); dot > 0; dot = name.lastIndexOf(".", dot - 1)) {
    const op = chosen.get(name.slice(0, dot));
    if (op === undefined) continue;
    const rest = name.slice(dot + 1);
    const next = rest.indexOf(".");
    if (next < 0 || Number(rest.slice(0, next)) !== op) return null;
    return `${name.slice(0, dot)}.${rest.slice(next + 1)}`;
  }
  return name;
}

/** Draws a config of the layout's space uniformly (SPOS, RSPS) as its single path. */
export const uniformPaths = (layout: SupernetLayout, rng: Rng): PathSet => layout.pathsOf(layout.configSpace.sample(rng));
