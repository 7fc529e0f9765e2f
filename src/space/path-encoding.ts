import type { Space } from "./space.js";

/** What the path encoding needs of a cell: its nodes, its edges (source, target) and the op of each edge. */
export interface PathCell<Op extends string> {
  readonly nodes: number;
  readonly ops: readonly Op[];
  readonly edgeEnds: readonly (readonly [number, number])[];
}

/**
 * The path encoding of an NB201-style cell (White et al. 2021, BANANAS): for every sequence of ops that
 * labels a path from the input node to the output node, how many such paths the cell has. Edges whose op
 * is `none` cut paths. Unlike one-hot codes it sees what data flows through, which predictors learn from.
 */
export function pathEncoding<Op extends string>(cell: PathCell<Op>, config: { readonly edges: readonly Op[] }): number[] {
  const ops = cell.ops.filter((op) => op !== "none");
  const offsets: number[] = [];
  let size = 0;
  for (let length = 1; length < cell.nodes; length++) {
    offsets.push(size);
    size += ops.length ** length;
  }
  const features = new Array<number>(size).fill(0);
  const walk = (node: number, sequence: number[]) => {
    if (node === cell.nodes - 1) {
      features[offsets[sequence.length - 1] + sequence.reduce((index, op) => index * ops.length + op, 0)]++;
      return;
    }
    cell.edgeEnds.forEach(([source, target], e) => {
      const op = ops.indexOf(config.edges[e]);
      if (source === node && op >= 0) walk(target, [...sequence, op]);
    });
  };
  walk(0, []);
  return features;
}

/** The encoding predictors should learn from (`space.predictorEncoding`: the path encoding for NB201-style cells). */
export function predictorEncoding<C>(space: Space<C>, config: C): number[] {
  return space.predictorEncoding(config);
}
