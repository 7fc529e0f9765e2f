import { walk, type Layer, type Shape } from "../../nn/layers.js";

const dims = (shape: Shape) => shape.join("x");

function findDepthwise(layer: Layer): Extract<Layer, { kind: "conv" }> | undefined {
  let found: Extract<Layer, { kind: "conv" }> | undefined;
  const visit = (l: Layer): void => {
    if (found) return;
    if (l.kind === "conv" && (l.groups ?? 1) > 1) found = l;
    else if (l.kind === "sequential") l.layers.forEach(visit);
    else if (l.kind === "residual") visit(l.body);
  };
  visit(layer);
  return found;
}

/**
 * The lookup-table key of a block: once-for-all's format for MBConv blocks,
 * `expanded_conv-input:HxWxC-output:HxWxC-expand:e-kernel:k-stride:s-idskip:b`, and for any other layer its
 * kind, shapes and description (two layers with the same key cost the same on a device).
 */
export function blockKey(layer: Layer, input: Shape): string {
  const output = walk(layer, input, () => undefined);
  const residual = layer.kind === "residual" && !layer.shortcut;
  const body = layer.kind === "residual" ? layer.body : layer;
  const depthwise = body.kind === "sequential" ? findDepthwise(body) : undefined;
  if (depthwise && body.kind === "sequential") {
    const hidden = depthwise.out;
    const expand = +(hidden / (input.at(-1) as number)).toFixed(3);
    return `expanded_conv-input:${dims(input)}-output:${dims(output)}-expand:${expand}-kernel:${depthwise.kernel}-stride:${depthwise.stride ?? 1}-idskip:${residual ? 1 : 0}`;
  }
  return `${layer.kind}-input:${dims(input)}-output:${dims(output)}-${JSON.stringify(layer)}`;
}

export interface TableBlock {
  key: string;
  layer: Layer;
  input: Shape;
}

/** The blocks a network's estimate sums: the children of its top-level sequential (flatten and dropout are free). */
export function networkBlocks(network: Layer, input: Shape): TableBlock[] {
  const children = network.kind === "sequential" ? network.layers : [network];
  const blocks: TableBlock[] = [];
  let shape = input;
  for (const layer of children) {
    if (layer.kind !== "flatten" && layer.kind !== "dropout") blocks.push({ key: blockKey(layer, shape), layer, input: shape });
    shape = walk(layer, shape, () => undefined);
  }
  return blocks;
}

/** A layer-wise latency lookup table for one device: ms per block key; a network's estimate is the sum. */
export interface LookupTable {
  kind: "lookup-table";
  version: 1;
  device: string;
  entries: Record<string, number>;
}

export function estimateFromTable(table: LookupTable, network: Layer, input: Shape): number {
  return networkBlocks(network, input).reduce((sum, block) => {
    const ms = table.entries[block.key];
    if (ms === undefined) throw new Error(`lookup table for ${table.device} has no entry '${block.key}': profile it first`);
    return sum + ms;
  }, 0);
}
