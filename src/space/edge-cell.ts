import { ConfigError, allIssues } from "../core/errors.js";
import { describe } from "../core/json.js";
import type { Rng } from "../core/rng.js";
import { ChoiceSpace } from "./choice.js";
import { Space, fieldPath, indexPath, isPlainObject, product, type SpaceJson, type Suggest } from "./space.js";
import { registerSpaceKind } from "./kinds.js";
import { pathEncoding } from "./path-encoding.js";

export type EdgeCellConfig<Op extends string> = { edges: Op[] };

/**
 * A NAS-Bench-201-style DAG cell: `nodes` nodes, an edge from every node to every later one, one op
 * per edge. Edges are ordered by target then source: (0→1), (0→2), (1→2), (0→3), (1→3), (2→3), ...
 */
export class EdgeCellSpace<Op extends string> extends Space<EdgeCellConfig<Op>> {
  readonly op: ChoiceSpace<Op>;
  /** `[source, target]` of each edge, in config order. */
  readonly edgeEnds: [number, number][];

  constructor(
    readonly nodes: number,
    ops: readonly Op[],
  ) {
    super();
    if (!Number.isInteger(nodes) || nodes < 2) throw new ConfigError("", `a cell needs an integer number of nodes >= 2, got ${nodes}`);
    this.op = new ChoiceSpace(ops, "op");
    this.edgeEnds = [];
    for (let target = 1; target < nodes; target++) for (let source = 0; source < target; source++) this.edgeEnds.push([source, target]);
  }

  get ops(): readonly Op[] {
    return this.op.values;
  }

  sample(rng: Rng): EdgeCellConfig<Op> {
    return { edges: this.edgeEnds.map(() => this.op.sample(rng)) };
  }

  check(value: unknown, path: string): ConfigError | null {
    if (!isPlainObject(value)) return new ConfigError(path, `expected a cell { edges: [...] }, got ${describe(value)}`, "invalid_type");
    const edges = value.edges;
    const edgesPath = fieldPath(path, "edges");
    const problems: (ConfigError | null)[] = [];
    if (!Array.isArray(edges)) problems.push(new ConfigError(edgesPath, `expected a list of ${this.edgeEnds.length} ops, got ${describe(edges)}`, "invalid_type"));
    else {
      if (edges.length !== this.edgeEnds.length) problems.push(new ConfigError(edgesPath, `has ${edges.length} ops, expected ${this.edgeEnds.length}`, "invalid_length"));
      for (let i = 0; i < edges.length; i++) problems.push(this.op.check(edges[i], indexPath(edgesPath, i)));
    }
    for (const extra of Object.keys(value).filter((k) => k !== "edges")) {
      problems.push(new ConfigError(fieldPath(path, extra), "unexpected field (a cell has only edges)", "unrecognized_key"));
    }
    return allIssues(problems);
  }

  size(): number {
    return this.ops.length ** this.edgeEnds.length;
  }

  *enumerate(): Iterable<EdgeCellConfig<Op>> {
    for (const edges of product(this.edgeEnds.map(() => () => this.ops))) yield { edges };
  }

  defaultValue(): EdgeCellConfig<Op> {
    return { edges: this.edgeEnds.map(() => this.ops[0]) };
  }

  decisionCount(): number {
    return this.ops.length > 1 ? this.edgeEnds.length : 0;
  }

  mutate(value: EdgeCellConfig<Op>, rng: Rng): EdgeCellConfig<Op> {
    if (this.ops.length < 2) return value;
    const edge = rng.int(0, this.edgeEnds.length - 1);
    return { edges: value.edges.map((op, i) => (i === edge ? this.op.mutate(op, rng) : op)) };
  }

  crossover(a: EdgeCellConfig<Op>, b: EdgeCellConfig<Op>, rng: Rng): EdgeCellConfig<Op> {
    return { edges: a.edges.map((op, i) => (rng.float() < 0.5 ? op : b.edges[i])) };
  }

  suggest(suggest: Suggest, path: string): EdgeCellConfig<Op> {
    const edges = fieldPath(path, "edges");
    return { edges: this.edgeEnds.map((_, i) => this.op.suggest(suggest, indexPath(edges, i))) };
  }

  decisions(value: EdgeCellConfig<Op>, path: string, out: Map<string, string | number | boolean>): void {
    const edges = fieldPath(path, "edges");
    value.edges.forEach((op, i) => out.set(indexPath(edges, i), op));
  }

  neighbors(value: EdgeCellConfig<Op>): EdgeCellConfig<Op>[] {
    return value.edges.flatMap((current, i) =>
      this.op.neighbors(current).map((op) => ({ edges: value.edges.map((old, j) => (j === i ? op : old)) })),
    );
  }

  encodingLength(): number {
    return this.edgeEnds.length * this.ops.length;
  }

  encodeInto(value: EdgeCellConfig<Op> | undefined, out: number[]): void {
    this.edgeEnds.forEach((_, i) => this.op.encodeInto(value?.edges[i], out));
  }

  /** The NAS-Bench-201 string, e.g. `|nor_conv_3x3~0|+|skip_connect~0|none~1|+|...|`. */
  override key(value: EdgeCellConfig<Op>): string {
    const groups: string[] = [];
    this.edgeEnds.forEach(([source, target], i) => {
      const part = `${value.edges[i]}~${source}`;
      if (source === 0) groups[target - 1] = `|${part}|`;
      else groups[target - 1] += `${part}|`;
    });
    return groups.join("+");
  }

  /** Parses a NAS-Bench-201 string into a config of this cell, with errors that say what is wrong. */
  parse(text: string): EdgeCellConfig<Op> {
    const groups = text.trim().split("+");
    if (groups.length !== this.nodes - 1) {
      throw new ConfigError("", `'${text}' has ${groups.length} node groups separated by '+', expected ${this.nodes - 1}`);
    }
    const edges: string[] = [];
    groups.forEach((group, g) => {
      const parts = group.replace(/^\|/, "").replace(/\|$/, "").split("|");
      if (parts.length !== g + 1) throw new ConfigError("", `node ${g + 1} in '${text}' has ${parts.length} inputs, expected ${g + 1}`);
      parts.forEach((part, source) => {
        const [op, from] = part.split("~");
        if (from !== String(source)) throw new ConfigError("", `'${part}' in '${text}' should read '${op}~${source}'`);
        edges.push(op);
      });
    });
    return this.validate({ edges });
  }

  override predictorEncoding(value: EdgeCellConfig<Op>): number[] {
    return pathEncoding(this, value);
  }

  toJson(): SpaceJson {
    return { type: "cell", style: "nb201", nodes: this.nodes, ops: [...this.ops] };
  }
}

registerSpaceKind({ type: "cell", style: "nb201", defaultStyle: true, read: (r) => new EdgeCellSpace(r.num("nodes"), r.stringList("ops")) });
