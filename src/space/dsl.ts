/**
 * The search-space DSL. One definition gives the sampler, the validator and the static config type:
 *
 *   const space = s.object({ width: s.float(0.5, 1.5), kernel: s.choice([3, 5, 7]) });
 *   type Config = s.Infer<typeof space>; // { width: number; kernel: 3 | 5 | 7 }
 */
import { BranchSpace } from "./branch.js";
import { ChoiceSpace, type Primitive } from "./choice.js";
import { DartsCellSpace } from "./darts-cell.js";
import { EdgeCellSpace } from "./edge-cell.js";
import { FloatSpace, IntSpace, type FloatOptions, type IntOptions } from "./numeric.js";
import { ObjectSpace, type Shape } from "./object.js";
import { RepeatSpace } from "./repeat.js";
import type { Space } from "./space.js";

export type { Infer } from "./space.js";

export function choice<const V extends readonly Primitive[]>(values: V): ChoiceSpace<V[number]> {
  return new ChoiceSpace<V[number]>(values);
}

export function int(min: number, max: number, options?: IntOptions): IntSpace {
  return new IntSpace(min, max, options);
}

export function float(min: number, max: number, options?: FloatOptions): FloatSpace {
  return new FloatSpace(min, max, options);
}

export function bool(): ChoiceSpace<boolean> {
  return new ChoiceSpace<boolean>([false, true]);
}

export function object<S extends Shape>(fields: S): ObjectSpace<S> {
  return new ObjectSpace(fields);
}

/** A list whose length is itself searched, between `min` and `max` items. */
export function repeat<T>(item: Space<T>, length: { min: number; max: number }): RepeatSpace<T> {
  return new RepeatSpace(item, length.min, length.max);
}

/** A list of exactly `length` independently searched items. */
export function list<T>(item: Space<T>, length: number): RepeatSpace<T> {
  return new RepeatSpace(item, length, length);
}

/** A conditional space: `tag` picks one of `cases`, and only that case's fields are active. */
export function branch<const Tag extends string, C extends Record<string, Space<Record<string, unknown>> & { readonly fields: Shape }>>(tag: Tag, cases: C): BranchSpace<Tag, C> {
  return new BranchSpace(tag, cases);
}

export interface EdgeCellOptions<O extends readonly string[]> {
  style?: "nb201";
  /** Nodes in the cell, input and output included (NAS-Bench-201 uses 4, hence 6 edges). */
  nodes: number;
  ops: O;
}

export interface DartsCellOptions<O extends readonly string[]> {
  style: "darts";
  /** Intermediate nodes (DARTS uses 4). */
  nodes: number;
  /** Inputs each intermediate node picks (DARTS uses 2). */
  inputs?: number;
  ops: O;
}

/** A DAG cell: NB201-style (one op on every edge) or DARTS-style (each node picks inputs and an op per input). */
export function cell<const O extends readonly string[]>(options: EdgeCellOptions<O>): EdgeCellSpace<O[number]>;
export function cell<const O extends readonly string[]>(options: DartsCellOptions<O>): DartsCellSpace<O[number]>;
export function cell<const O extends readonly string[]>(
  options: EdgeCellOptions<O> | DartsCellOptions<O>,
): EdgeCellSpace<O[number]> | DartsCellSpace<O[number]> {
  if (options.style === "darts") return new DartsCellSpace<O[number]>(options.nodes, options.inputs ?? 2, options.ops);
  return new EdgeCellSpace<O[number]>(options.nodes, options.ops);
}
