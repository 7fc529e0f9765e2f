import { ConfigError, allIssues } from "../core/errors.js";
import { describe } from "../core/json.js";
import type { Rng } from "../core/rng.js";
import { ChoiceSpace } from "./choice.js";
import { Space, fieldPath, indexPath, isPlainObject, product, type SpaceJson, type Suggest } from "./space.js";
import { registerSpaceKind } from "./kinds.js";

export type DartsInput<Op extends string> = { input: number; op: Op };
export type DartsCellConfig<Op extends string> = { nodes: DartsInput<Op>[][] };

/** All k-subsets of [0, n), in lexicographic order. */
export function combinations(n: number, k: number): number[][] {
  if (k === 0) return [[]];
  const result: number[][] = [];
  for (let first = 0; first <= n - k; first++) {
    for (const rest of combinations(n - first - 1, k - 1)) result.push([first, ...rest.map((r) => r + first + 1)]);
  }
  return result;
}

/**
 * A DARTS-style cell (Liu et al. 2019): two cell inputs (nodes 0 and 1), then `nodes` intermediate
 * nodes; intermediate node j (numbered j+2) picks `inputs` distinct earlier nodes and one op per input.
 * Inputs are kept sorted, so each cell has exactly one config.
 */
export class DartsCellSpace<Op extends string> extends Space<DartsCellConfig<Op>> {
  readonly op: ChoiceSpace<Op>;
  /** For each intermediate node, every allowed set of inputs. */
  private readonly inputSets: number[][][];

  constructor(
    readonly nodes: number,
    readonly inputs: number,
    ops: readonly Op[],
  ) {
    super();
    if (!Number.isInteger(nodes) || nodes < 1) throw new ConfigError("", `a DARTS cell needs >= 1 intermediate node, got ${nodes}`);
    if (!Number.isInteger(inputs) || inputs < 1 || inputs > 2) throw new ConfigError("", `inputs per node must be 1 or 2, got ${inputs}`);
    this.op = new ChoiceSpace(ops, "op");
    this.inputSets = Array.from({ length: nodes }, (_, j) => combinations(j + 2, inputs));
  }

  get ops(): readonly Op[] {
    return this.op.values;
  }

  private node(inputs: number[], ops: Op[]): DartsInput<Op>[] {
    return inputs.map((input, i) => ({ input, op: ops[i] }));
  }

  sample(rng: Rng): DartsCellConfig<Op> {
    return {
      nodes: this.inputSets.map((sets) => this.node(rng.pick(sets), Array.from({ length: this.inputs }, () => this.op.sample(rng)))),
    };
  }

  check(value: unknown, path: string): ConfigError | null {
    if (!isPlainObject(value)) return new ConfigError(path, `expected a cell { nodes: [...] }, got ${describe(value)}`, "invalid_type");
    const nodesPath = fieldPath(path, "nodes");
    const nodes = value.nodes;
    if (!Array.isArray(nodes) || nodes.length !== this.nodes) {
      return new ConfigError(nodesPath, `expected a list of ${this.nodes} intermediate nodes, got ${describe(nodes)}`, "invalid_length");
    }
    const problems: (ConfigError | null)[] = [];
    for (let j = 0; j < nodes.length; j++) {
      const nodePath = indexPath(nodesPath, j);
      const node = nodes[j];
      if (!Array.isArray(node) || node.length !== this.inputs) {
        problems.push(new ConfigError(nodePath, `expected ${this.inputs} inputs, got ${describe(node)}`, "invalid_length"));
        continue;
      }
      for (let i = 0; i < node.length; i++) {
        const inputPath = indexPath(nodePath, i);
        const entry: unknown = node[i];
        if (!isPlainObject(entry)) {
          problems.push(new ConfigError(inputPath, `expected { input, op }, got ${describe(entry)}`, "invalid_type"));
          continue;
        }
        const source = entry.input;
        const previous = i > 0 && isPlainObject(node[i - 1]) ? (node[i - 1] as DartsInput<Op>).input : -1;
        if (typeof source !== "number" || !Number.isInteger(source) || source < 0 || source > j + 1) {
          problems.push(new ConfigError(fieldPath(inputPath, "input"), `node ${j + 2} can take inputs 0 to ${j + 1}, got ${describe(source)}`, "out_of_range"));
        } else if (i > 0 && source <= previous) {
          problems.push(new ConfigError(fieldPath(inputPath, "input"), "inputs must be distinct and in increasing order"));
        }
        problems.push(this.op.check(entry.op, fieldPath(inputPath, "op")));
      }
    }
    return allIssues(problems);
  }

  size(): number {
    return this.inputSets.reduce((n, sets) => n * sets.length * this.ops.length ** this.inputs, 1);
  }

  *enumerate(): Iterable<DartsCellConfig<Op>> {
    const nodeChoices = this.inputSets.map((sets) => () => nodeConfigs(sets, this.ops, this.inputs, this.node.bind(this)));
    for (const nodes of product(nodeChoices)) yield { nodes };
  }

  defaultValue(): DartsCellConfig<Op> {
    return { nodes: this.inputSets.map((sets) => this.node(sets[0], sets[0].map(() => this.ops[0]))) };
  }

  /** Per node: one decision for the input set (when there is a choice) and one per op. */
  private nodeDecisions(j: number): number {
    return (this.inputSets[j].length > 1 ? 1 : 0) + (this.ops.length > 1 ? this.inputs : 0);
  }

  decisionCount(): number {
    return this.inputSets.reduce((n, _, j) => n + this.nodeDecisions(j), 0);
  }

  mutate(value: DartsCellConfig<Op>, rng: Rng): DartsCellConfig<Op> {
    const weights = this.inputSets.map((_, j) => this.nodeDecisions(j));
    if (weights.every((w) => w === 0)) return value;
    const j = rng.weightedIndex(weights);
    const node = value.nodes[j];
    const changeInput = this.inputSets[j].length > 1 && (this.ops.length < 2 || rng.int(0, this.inputs) === 0);
    let next: DartsInput<Op>[];
    if (changeInput) {
      // Swap one input for an unused earlier node, keeping its op (the DARTS "hidden state" mutation).
      const slot = rng.int(0, this.inputs - 1);
      const unused = Array.from({ length: j + 2 }, (_, s) => s).filter((s) => !node.some((e) => e.input === s));
      const replaced = node.map((e, i) => (i === slot ? { input: rng.pick(unused), op: e.op } : e));
      next = replaced.sort((a, b) => a.input - b.input);
    } else {
      const slot = rng.int(0, this.inputs - 1);
      next = node.map((e, i) => (i === slot ? { input: e.input, op: this.op.mutate(e.op, rng) } : e));
    }
    return { nodes: value.nodes.map((old, k) => (k === j ? next : old)) };
  }

  /** Each intermediate node (its inputs and their ops together) comes from one parent. */
  crossover(a: DartsCellConfig<Op>, b: DartsCellConfig<Op>, rng: Rng): DartsCellConfig<Op> {
    return { nodes: a.nodes.map((node, j) => (rng.float() < 0.5 ? node : b.nodes[j])) };
  }

  /**
   * Per node: its input set (one categorical, e.g. "0_2"), then the op on each chosen input. The op on an
   * edge is active only when its source is chosen: exactly NAS-Bench-301's ConfigSpace conditions.
   */
  suggest(suggest: Suggest, path: string): DartsCellConfig<Op> {
    return {
      nodes: this.inputSets.map((sets, j) => {
        const nodePath = indexPath(fieldPath(path, "nodes"), j);
        const names = sets.map((set) => set.join("_"));
        const chosen = sets.length > 1 ? sets[names.indexOf(suggest(`${nodePath}.inputs`, { kind: "categorical", choices: names }) as string)] : sets[0];
        return chosen.map((input) => ({ input, op: this.op.suggest(suggest, `${nodePath}.from${input}`) }));
      }),
    };
  }

  decisions(value: DartsCellConfig<Op>, path: string, out: Map<string, string | number | boolean>): void {
    value.nodes.forEach((node, j) => {
      const nodePath = indexPath(fieldPath(path, "nodes"), j);
      if (this.inputSets[j].length > 1) out.set(`${nodePath}.inputs`, node.map((e) => e.input).join("_"));
      for (const { input, op } of node) out.set(`${nodePath}.from${input}`, op);
    });
  }

  neighbors(value: DartsCellConfig<Op>): DartsCellConfig<Op>[] {
    const result: DartsCellConfig<Op>[] = [];
    const withNode = (j: number, node: DartsInput<Op>[]) => ({ nodes: value.nodes.map((old, k) => (k === j ? node : old)) });
    value.nodes.forEach((node, j) => {
      node.forEach((entry, slot) => {
        for (const op of this.op.neighbors(entry.op)) result.push(withNode(j, node.map((e, i) => (i === slot ? { input: e.input, op } : e))));
        for (let source = 0; source < j + 2; source++) {
          if (node.some((e) => e.input === source)) continue;
          const moved = node.map((e, i) => (i === slot ? { input: source, op: e.op } : e)).sort((a, b) => a.input - b.input);
          result.push(withNode(j, moved));
        }
      });
    });
    return result;
  }

  encodingLength(): number {
    return this.inputSets.reduce((n, _, j) => n + (j + 2) * this.ops.length, 0);
  }

  /** For each node and each possible input: the one-hot op on that input, or zeros if unused. */
  encodeInto(value: DartsCellConfig<Op> | undefined, out: number[]): void {
    this.inputSets.forEach((_, j) => {
      for (let source = 0; source < j + 2; source++) this.op.encodeInto(value?.nodes[j].find((e) => e.input === source)?.op, out);
    });
  }

  /** A genotype-like string: `[(sep_conv_3x3,0),(skip_connect,1)] [(...),(...)] ...`. */
  override format(value: DartsCellConfig<Op>): string {
    return value.nodes.map((node) => `[${node.map((e) => `(${e.op},${e.input})`).join(",")}]`).join(" ");
  }

  toJson(): SpaceJson {
    return { type: "cell", style: "darts", nodes: this.nodes, inputs: this.inputs, ops: [...this.ops] };
  }
}

function* nodeConfigs<Op extends string>(
  sets: number[][],
  ops: readonly Op[],
  inputs: number,
  node: (inputs: number[], ops: Op[]) => DartsInput<Op>[],
): Iterable<DartsInput<Op>[]> {
  for (const set of sets) for (const chosen of product(Array.from({ length: inputs }, () => () => ops))) yield node(set, chosen);
}

registerSpaceKind({ type: "cell", style: "darts", read: (r) => new DartsCellSpace(r.num("nodes"), r.optionalNum("inputs") ?? 2, r.stringList("ops")) });
