/**
 * Whether a run's CPU time stands for its wall-clock latency: `--samples` networks measured on each 1-thread
 * `--device`, every run timed on both clocks, with the machine's busy fraction over the check (from
 * /proc/stat, other processes included). On a quiet machine the two medians should agree; under load the wall
 * clock also counts the time spent waiting for a core. Appends one JSON line per check to `--out`.
 *   NASCENT_THREADS=1 node dist/bench/latency-clock-agreement.js --device ort-node:1 --device engine --out FILE
 */
import { appendFileSync, readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { profileNetwork, sampledNetworks } from "../src/evaluate/devices/profile.js";
import { DEFAULT_MEASURE } from "../src/evaluate/devices/protocol.js";
import { resolveDevice } from "../src/evaluate/devices/registry.js";
import { networkBuilderFor } from "../src/nn/builders/index.js";
import { resolveSpace } from "../src/space/builtin/index.js";

const { values } = parseArgs({
  options: {
    device: { type: "string", multiple: true, default: ["ort-node:1", "engine"] },
    samples: { type: "string", default: "10" },
    seed: { type: "string", default: "7" },
    input: { type: "string", default: "224x224x3" },
    out: { type: "string" },
  },
});

/** Busy and total jiffies of all CPUs (Linux /proc/stat). */
function cpuJiffies(): { busy: number; total: number } {
  const fields = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  return { busy: total - fields[3] - fields[4], total };
}

const input = values.input!.split("x").map(Number) as [number, number, number];
const space = resolveSpace("mobilenet");
const networks = sampledNetworks(networkBuilderFor(space).name, space, Number(values.samples), Number(values.seed), input, 10);
const before = cpuJiffies();
const load = loadavg()[0];
const rows: { device: string; net: number; wallMs: number; cpuMs: number; ratio: number }[] = [];
for (const device of values.device!.map(resolveDevice)) {
  for (const [i, { network, input: shape }] of networks.entries()) {
    const m = await profileNetwork(device, network, shape, undefined, { ...DEFAULT_MEASURE, minRepeats: 20 }, "wall");
    const cpuMs = m.clocks!["process-cpu"].medianMs;
    rows.push({ device: device.name, net: i, wallMs: m.medianMs, cpuMs, ratio: m.medianMs / cpuMs });
  }
  await device.close?.();
}
const after = cpuJiffies();
const busyCores = ((after.busy - before.busy) / (after.total - before.total)) * 2;
const byDevice = Object.fromEntries(values.device!.map((name) => {
  const ratios = rows.filter((r) => r.device === name).map((r) => r.ratio).sort((a, b) => a - b);
  return [name, { medianWallOverCpu: ratios[Math.floor(ratios.length / 2)], min: ratios[0], max: ratios.at(-1) }];
}));
const line = { at: new Date().toISOString(), loadAverage1m: load, busyCoresDuringCheck: +busyCores.toFixed(2), byDevice, rows };
console.log(JSON.stringify({ ...line, rows: undefined }));
if (values.out) appendFileSync(values.out, `${JSON.stringify(line)}\n`);
