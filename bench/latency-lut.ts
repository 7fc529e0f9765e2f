/**
 * The layer-wise lookup table against whole-network measurements: every distinct block (once-for-all keys)
 * of the first `--networks` networks measured on `--device` is profiled alone under the same protocol and
 * clock, a network's estimate is the sum over its blocks, and the estimate is compared with the network's
 * own measurement. A sum above the measurement shows what a per-block table misses: onnxruntime fuses
 * conv, BN and activation inside a block either way, but each block run alone pays the session's fixed
 * per-run cost and starts with cold caches.
 *   node dist/bench/latency-lut.js --storage DB --device ort-node:1 [--networks 50] [--clock process-cpu] [--out PATH]
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { LatencyStore } from "../src/evaluate/devices/latency-store.js";
import { profileNetwork } from "../src/evaluate/devices/profile.js";
import { DEFAULT_MEASURE, type ClockName } from "../src/evaluate/devices/protocol.js";
import { resolveDevice } from "../src/evaluate/devices/registry.js";
import { estimateFromTable, networkBlocks, type LookupTable } from "../src/predict/latency/lookup-table.js";
import { latencyErrors } from "../src/predict/metrics/rank.js";

const { values } = parseArgs({
  options: {
    storage: { type: "string" },
    device: { type: "string", default: "ort-node:1" },
    networks: { type: "string", default: "50" },
    clock: { type: "string", default: "process-cpu" },
    out: { type: "string" },
  },
});
const store = new LatencyStore(values.storage!);
const rows = store.list(values.device!).slice(0, Number(values.networks));
store.close();
const device = resolveDevice(values.device!);
const table: LookupTable = { kind: "lookup-table", version: 1, device: device.name, entries: {} };
const distinct = new Map(rows.flatMap((r) => networkBlocks(r.network, r.input)).map((b) => [b.key, b]));
console.error(`${rows.length} networks, ${distinct.size} distinct blocks`);
for (const block of distinct.values()) {
  const m = await profileNetwork(device, block.layer, block.input, undefined, DEFAULT_MEASURE, values.clock as ClockName);
  table.entries[block.key] = m.medianMs;
}
const estimates = rows.map((r) => estimateFromTable(table, r.network, r.input));
const measured = rows.map((r) => r.medianMs);
const signed = estimates.reduce((s, e, i) => s + (e - measured[i]) / measured[i], 0) / rows.length;
const results = { device: device.name, clock: values.clock, networks: rows.length, blocks: distinct.size, ...latencyErrors(estimates, measured), meanSignedError: signed };
console.log(JSON.stringify(results, null, 2));
if (values.out) writeFileSync(values.out, `${JSON.stringify({ ...results, table }, null, 1)}\n`);
