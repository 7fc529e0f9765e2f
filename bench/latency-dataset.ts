/**
 * The latency dataset for network-wise predictors: `--samples` networks of a space (sampled with `--seed`)
 * measured on each `--device`, in `--rounds` rounds. A round measures every network once on every device, so
 * a network's rounds lie minutes apart and see different load from the other jobs of a shared machine; the
 * predictors' target is the median over rounds. Every run is timed on the wall clock and on the process's CPU
 * clock (both stored). Resumable: rows already in the database for a device are skipped in the same order.
 *   NASCENT_THREADS=1 node dist/bench/latency-dataset.js --storage DB --device ort-node:1 --device engine \
 *     --samples 200 --rounds 3 --input 224x224x3
 */
import { parseArgs } from "node:util";
import { LatencyStore } from "../src/evaluate/devices/latency-store.js";
import { profileNetwork, sampledNetworks } from "../src/evaluate/devices/profile.js";
import { DEFAULT_MEASURE, type ClockName } from "../src/evaluate/devices/protocol.js";
import { resolveDevice } from "../src/evaluate/devices/registry.js";
import { networkBuilderFor } from "../src/nn/builders/index.js";
import { resolveSpace } from "../src/space/builtin/index.js";

const { values } = parseArgs({
  options: {
    storage: { type: "string" },
    device: { type: "string", multiple: true, default: ["ort-node:1"] },
    space: { type: "string", default: "mobilenet" },
    samples: { type: "string", default: "200" },
    seed: { type: "string", default: "0" },
    rounds: { type: "string", default: "3" },
    input: { type: "string", default: "224x224x3" },
    clock: { type: "string", default: "process-cpu" },
    "min-repeats": { type: "string", default: "20" },
  },
});
const input = values.input!.split("x").map(Number) as [number, number, number];
const space = resolveSpace(values.space!);
const networks = sampledNetworks(networkBuilderFor(space).name, space, Number(values.samples), Number(values.seed), input, 10);
const store = new LatencyStore(values.storage!);
const devices = values.device!.map(resolveDevice);
const done = new Map(devices.map((d) => [d.name, store.list(d.name).length]));
const options = { ...DEFAULT_MEASURE, minRepeats: Number(values["min-repeats"]) };
const started = Date.now();
let measured = 0;
for (let round = 0; round < Number(values.rounds); round++) {
  for (const [i, { network, input: shape }] of networks.entries()) {
    for (const device of devices) {
      const position = round * networks.length + i;
      if (position < (done.get(device.name) ?? 0)) continue;
      const m = await profileNetwork(device, network, shape, store, options, values.clock as ClockName);
      measured++;
      const cpu = m.clocks?.["process-cpu"];
      const wall = m.clocks?.wall;
      console.log(`round ${round} net ${i} ${device.name}: cpu ${cpu?.medianMs.toFixed(3)} ms (p10 ${cpu?.p10Ms?.toFixed(3)}), wall ${wall?.medianMs.toFixed(3)} ms, ${m.repeats} runs, SE ${(100 * m.relativeError).toFixed(1)}% | ${measured} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    }
  }
}
store.close();
for (const device of devices) await device.close?.();
