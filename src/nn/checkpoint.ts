import { readFileSync, renameSync, writeFileSync } from "node:fs";
import type { HostTensor, HostTensors } from "./engine/engine.js";
import type { Layer } from "./layers.js";

/**
 * Checkpoints in the safetensors format (https://github.com/huggingface/safetensors): an 8-byte
 * little-endian header length, a JSON header naming each tensor's dtype, shape and byte range, then the
 * raw little-endian data. Parameters are stored under `params/NAME`, BatchNorm statistics under
 * `state/NAME`; the metadata holds the network description and input shape, so a checkpoint is
 * self-contained and readable by PyTorch's or JAX's safetensors loaders.
 */
export interface Checkpoint {
  network: Layer;
  input: number[];
  params: HostTensors;
  state: HostTensors;
}

interface HeaderEntry {
  dtype: "F32";
  shape: number[];
  data_offsets: [number, number];
}

export async function saveCheckpoint(path: string, checkpoint: Checkpoint): Promise<void> {
  const entries: [string, HostTensor][] = [
    ...Object.entries(checkpoint.params).map(([name, t]): [string, HostTensor] => [`params/${name}`, t]),
    ...Object.entries(checkpoint.state).map(([name, t]): [string, HostTensor] => [`state/${name}`, t]),
  ];
  const header: Record<string, HeaderEntry | Record<string, string>> = {
    __metadata__: { format: "nascent", network: JSON.stringify(checkpoint.network), input: JSON.stringify(checkpoint.input) },
  };
  const chunks: Buffer[] = [];
  let offset = 0;
  for (const [name, tensor] of entries) {
    const values = tensor.data;
    const bytes = Buffer.from(values.buffer, values.byteOffset, values.byteLength);
    header[name] = { dtype: "F32", shape: [...tensor.shape], data_offsets: [offset, offset + bytes.length] };
    chunks.push(bytes);
    offset += bytes.length;
  }
  let json = JSON.stringify(header);
  json += " ".repeat((8 - (json.length % 8)) % 8); // the format asks for an 8-byte aligned data section
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
  // Write then rename, so a crash never leaves a half-written checkpoint under the real name.
  writeFileSync(`${path}.tmp`, Buffer.concat([length, Buffer.from(json), ...chunks]));
  renameSync(`${path}.tmp`, path);
}

export function loadCheckpoint(path: string): Checkpoint {
  const file = readFileSync(path);
  const headerLength = Number(file.readBigUInt64LE(0));
  const header = JSON.parse(file.subarray(8, 8 + headerLength).toString("utf8")) as Record<string, HeaderEntry | Record<string, string>>;
  const metadata = header.__metadata__ as Record<string, string> | undefined;
  if (!metadata?.network) throw new Error(`${path}: not a nascent checkpoint (no network in the safetensors metadata)`);
  const data = file.subarray(8 + headerLength);
  const params: HostTensors = {};
  const state: HostTensors = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === "__metadata__") continue;
    const { dtype, shape, data_offsets: [begin, end] } = entry as HeaderEntry;
    if (dtype !== "F32") throw new Error(`${path}: tensor '${name}' has dtype ${dtype}; nascent checkpoints hold F32 only`);
    const values = new Float32Array(data.buffer.slice(data.byteOffset + begin, data.byteOffset + end));
    const tensor = { shape, data: values };
    if (name.startsWith("params/")) params[name.slice("params/".length)] = tensor;
    else if (name.startsWith("state/")) state[name.slice("state/".length)] = tensor;
  }
  return { network: JSON.parse(metadata.network) as Layer, input: JSON.parse(metadata.input) as number[], params, state };
}
