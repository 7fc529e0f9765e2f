import { readFileSync } from "node:fs";
import { NascentError } from "../../core/errors.js";
import { DTYPES, type Dtype } from "./memory.js";

/**
 * A serving device: dense peak FLOP/s per dtype (no 2:4 sparsity), memory bandwidth and capacity, from the
 * vendor's datasheet (cited per device). A dtype absent from `peakFlops` runs at the closest wider one.
 */
export interface Device {
  name: string;
  description: string;
  /** FLOP/s (or OP/s for integers) per dtype, dense. */
  peakFlops: Partial<Record<Dtype, number>>;
  /** Bytes per second of main (HBM/GDDR/unified/DRAM) memory. */
  memoryBandwidth: number;
  /** Bytes of memory the model can use. */
  memoryBytes: number;
  source: string;
}

const T = 1e12;
const GB = 1e9;

export const DEVICES: Record<string, Device> = {
  "h100-sxm": {
    name: "h100-sxm",
    description: "NVIDIA H100 SXM5 80GB",
    peakFlops: { fp32: 67 * T, bf16: 989.4 * T, fp16: 989.4 * T, fp8: 1978.9 * T, int8: 1978.9 * T },
    memoryBandwidth: 3350 * GB,
    memoryBytes: 80 * GB,
    source: "NVIDIA H100 Tensor Core GPU datasheet (2023), SXM column, dense",
  },
  "a100-80gb": {
    name: "a100-80gb",
    description: "NVIDIA A100 SXM4 80GB",
    peakFlops: { fp32: 19.5 * T, bf16: 312 * T, fp16: 312 * T, int8: 624 * T, int4: 1248 * T },
    memoryBandwidth: 2039 * GB,
    memoryBytes: 80 * GB,
    source: "NVIDIA A100 Tensor Core GPU datasheet (2021), A100 80GB SXM column, dense",
  },
  l4: {
    name: "l4",
    description: "NVIDIA L4 24GB",
    peakFlops: { fp32: 30.3 * T, bf16: 121 * T, fp16: 121 * T, fp8: 242.5 * T, int8: 242.5 * T },
    memoryBandwidth: 300 * GB,
    memoryBytes: 24 * GB,
    source: "NVIDIA L4 Tensor Core GPU datasheet (2023); the sheet's 242/485 TFLOPS are with sparsity, halved here",
  },
  "rtx-4090": {
    name: "rtx-4090",
    description: "NVIDIA GeForce RTX 4090 24GB",
    peakFlops: { fp32: 82.6 * T, bf16: 165.2 * T, fp16: 165.2 * T, fp8: 330.3 * T, int8: 660.6 * T, int4: 1321.2 * T },
    memoryBandwidth: 1008 * GB,
    memoryBytes: 24 * GB,
    source: "NVIDIA Ada Lovelace GPU architecture whitepaper v2.1 (2023), Table 2: FP16/BF16 tensor with FP32 accumulate, dense",
  },
  "m2-max": {
    name: "m2-max",
    description: "Apple M2 Max, 38-core GPU, 96 GB unified memory",
    peakFlops: { fp32: 13.6 * T, fp16: 13.6 * T, bf16: 13.6 * T },
    memoryBandwidth: 400 * GB,
    memoryBytes: 96 * GB,
    source: "Apple M2 Max announcement (Jan 2023): 400 GB/s, up to 96 GB; 38 cores x 128 ALUs x 2 x 1.398 GHz = 13.6 TFLOPS fp32 (fp16 at the same rate)",
  },
  "epyc-9654": {
    name: "epyc-9654",
    description: "AMD EPYC 9654 (Genoa, 96 cores), 12-channel DDR5-4800",
    // 96 cores x 2.4 GHz base x 32 fp32 FLOP/cycle (two 256-bit FMA pipes); AVX-512 BF16 dot products double it, VNNI int8 quadruples it.
    peakFlops: { fp32: 7.37 * T, bf16: 14.7 * T, int8: 29.5 * T },
    memoryBandwidth: 460.8 * GB,
    memoryBytes: 768 * GB,
    source: "AMD EPYC 9654 product page (96 cores, 2.4 GHz base, 12 x DDR5-4800 = 460.8 GB/s); Zen 4 FMA width from AMD's Zen 4 optimisation guide",
  },
};

const order = (dtype: Dtype) => DTYPES.indexOf(dtype);

/** Peak FLOP/s for `dtype`: its own entry, else the nearest wider dtype's (int4 falls back to int8, then bf16...). */
export function peakFlops(device: Device, dtype: Dtype): number {
  const direct = device.peakFlops[dtype];
  if (direct) return direct;
  const wider = [...DTYPES].filter((d) => order(d) < order(dtype)).reverse();
  for (const d of wider) if (device.peakFlops[d]) return device.peakFlops[d] as number;
  throw new NascentError(`device ${device.name} has no peak FLOP/s for ${dtype} or any wider dtype`);
}

/** A built-in device by name (case-insensitive), or a device JSON file: {name, peakFlops, memoryBandwidth, memoryBytes}. */
export function resolveDevice(nameOrPath: string): Device {
  const builtin = DEVICES[nameOrPath.toLowerCase()];
  if (builtin) return builtin;
  if (!nameOrPath.endsWith(".json")) throw new NascentError(`unknown device '${nameOrPath}' (built-in: ${Object.keys(DEVICES).join(", ")}; or a device .json file)`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(nameOrPath, "utf8"));
  } catch (error) {
    throw new NascentError(`cannot read device file '${nameOrPath}': ${(error as Error).message.split("\n")[0]}`);
  }
  return deviceFromJson(json, nameOrPath);
}

export function deviceFromJson(json: unknown, where: string): Device {
  if (typeof json !== "object" || json === null) throw new NascentError(`${where}: expected a device object`);
  const record = json as Record<string, unknown>;
  const positive = (key: string): number => {
    const value = record[key];
    if (typeof value !== "number" || !(value > 0)) throw new NascentError(`${where}: "${key}" must be a positive number, got ${JSON.stringify(value)}`);
    return value;
  };
  const flops = record.peakFlops;
  if (typeof flops !== "object" || flops === null) throw new NascentError(`${where}: "peakFlops" must map dtypes (${DTYPES.join(", ")}) to FLOP/s`);
  const peak: Partial<Record<Dtype, number>> = {};
  for (const [dtype, value] of Object.entries(flops)) {
    if (!(DTYPES as readonly string[]).includes(dtype)) throw new NascentError(`${where}: peakFlops.${dtype}: unknown dtype (expected ${DTYPES.join(", ")})`);
    if (typeof value !== "number" || !(value > 0)) throw new NascentError(`${where}: peakFlops.${dtype} must be a positive number`);
    peak[dtype as Dtype] = value;
  }
  const name = typeof record.name === "string" ? record.name : where;
  return { name, description: String(record.description ?? name), peakFlops: peak, memoryBandwidth: positive("memoryBandwidth"), memoryBytes: positive("memoryBytes"), source: String(record.source ?? where) };
}
