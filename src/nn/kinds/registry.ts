import type { GraphBuilder, ValueId } from "../graph/graph.js";
import { NascentError } from "../../core/errors.js";

/**
 * The open set of layer kinds. Each kind lives in one file that declares its description type here, by
 * module augmentation:
 *
 *   declare module "./registry.js" { interface LayerKinds { myKind: { kind: "myKind"; width: number } } }
 *
 * and registers a `LayerKind` (shape rule, parameters, multiply-adds, lowering to engine primitives).
 * Nothing else in nascent switches on `layer.kind`, so a new kind is that file plus one import line in
 * kinds/index.ts; the engines only know the primitives of graph/graph.ts.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface LayerKinds {}

/** A network is plain data: a tree of layers, one of the registered kinds. */
export type Layer = LayerKinds[keyof LayerKinds];

/** Shape without the batch axis: [H, W, C] for images, [T, D] for tokens, [D] for vectors. */
export type { Init, ParamInfo, Shape } from "../graph/values.js";
import type { Init, ParamInfo, Shape } from "../graph/values.js";

/** A parameter as a kind declares it: by leaf name under the layer's path. */
export interface ParamSpec {
  leaf: string;
  shape: number[];
  init: Init;
  fanIn: number;
}

/** A network whose shapes do not fit together; the message names the layer's path and the shapes. */
export class ShapeError extends NascentError {
  override name = "ShapeError";
}

/** What a kind's shape rule gets: where it is, and how to walk a child (for containers). */
export interface ShapeContext {
  path: string;
  /** The path of a child, e.g. `at("body")` under `3` is `3.body`. */
  at(child: string): string;
  /** Shape of a child layer's output; also visits the child (parameter listing, cost). */
  child(layer: Layer, input: Shape, path: string): Shape;
}

/** What a kind's lowering gets: the graph under construction and its own parameters by leaf name. */
export interface LowerContext {
  graph: GraphBuilder;
  path: string;
  at(child: string): string;
  /** The value of one of this layer's own parameters (as listed by `params`). */
  param(leaf: string): ValueId;
  /** One of this layer's own running statistics (as listed by `state`). */
  state(leaf: string): ValueId;
  /** Lowers a child layer on input x. */
  child(layer: Layer, x: ValueId, path: string): ValueId;
  /** The (batchless) shape of a value. */
  shape(x: ValueId): Shape;
}

export interface LayerKind<L extends Layer = Layer> {
  kind: L["kind"];
  /** Output shape for an input shape; throws ShapeError naming `context.path` when the input does not fit. */
  output(layer: L, input: Shape, context: ShapeContext): Shape;
  /** Trainable parameters the layer owns (not its children's), named by leaf; fixed order. */
  params?(layer: L, input: Shape, output: Shape): ParamSpec[];
  /** Running statistics (updated in training, not by gradient). */
  state?(layer: L, input: Shape): ParamSpec[];
  /** Multiply-adds per input (NB201's FLOPs convention: a bias add counts as one). */
  macs?(layer: L, input: Shape, output: Shape): number;
  /** True when the layer's output is only its last child's (a sequence): not counted again as activation memory. */
  passesThrough?: boolean;
  /** The layer as engine primitives on input x. */
  lower(layer: L, x: ValueId, context: LowerContext): ValueId;
}

const kinds = new Map<string, LayerKind>();

/** Registers a layer kind (each kind's file calls this once when imported). */
export function registerKind<L extends Layer>(definition: LayerKind<L>): void {
  if (kinds.has(definition.kind)) throw new Error(`layer kind '${definition.kind}' is registered twice`);
  kinds.set(definition.kind, definition as unknown as LayerKind);
}

export function kindOf(layer: Layer, path: string): LayerKind {
  const definition = kinds.get((layer as { kind: string }).kind);
  if (!definition) throw new ShapeError(`${path || "network"}: unknown layer kind '${(layer as { kind: string }).kind}' (known: ${[...kinds.keys()].join(", ")})`);
  return definition;
}

export const registeredKinds = (): string[] => [...kinds.keys()];

export const size = (shape: Shape): number => shape.reduce((a, b) => a * b, 1);

/** The [H, W, C] of an image input, or a ShapeError naming the layer. */
export function image(shape: Shape, where: string): [number, number, number] {
  if (shape.length !== 3) throw new ShapeError(`${where}: expects an image [H, W, C], got [${shape.join(", ")}]`);
  return [shape[0], shape[1], shape[2]];
}

export const joinPath = (path: string, child: string): string => (path ? `${path}.${child}` : child);
