import type { Command } from "commander";
import cliProgress from "cli-progress";
import { resolveDevice } from "../../evaluate/devices/registry.js";
import { LatencyStore } from "../../evaluate/devices/latency-store.js";
import { profileNetwork, sampledNetworks } from "../../evaluate/devices/profile.js";
import { CLOCKS, DEFAULT_MEASURE, type ClockName } from "../../evaluate/devices/protocol.js";
import { networkBuilderFor } from "../../nn/builders/index.js";
import { resolveSpace } from "../../space/builtin/index.js";
import { DEFAULT_STORAGE } from "../../storage/open.js";
import { NascentError } from "../../core/errors.js";
import { imageShape, integer, positiveInt, positiveNumber } from "../arguments.js";
import { printJsonLine } from "../output.js";

interface ProfileOptions {
  space: string;
  samples: number;
  seed: number;
  device: string[];
  storage: string;
  input: [number, number, number];
  classes: number;
  timeCapMs: number;
  clock: string;
  json?: boolean;
}

/** The sqlite file of a storage URL (latency measurements live beside the studies). */
export function sqlitePath(url: string): string {
  if (!url.startsWith("sqlite:")) throw new NascentError(`--storage '${url}': latency measurements need sqlite:PATH`);
  return url.slice("sqlite:".length);
}

export function registerLatencyProfile(latency: Command): void {
  latency
    .command("profile")
    .description("measure sampled networks of a space on devices (warm-up, repeats until the median's relative SE < 2% or the time cap, batch 1) and store them")
    .requiredOption("--space <name>", "nb201, mobilenet or vit")
    .option("--samples <n>", "networks to sample", positiveInt, 10)
    .option("--seed <n>", "sampling seed (the same seed gives the same networks)", integer, 0)
    .option("--device <name>", "engine, ort-node (all threads), ort-node:N or chromium-wasm; repeatable", (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option("--storage <url>", "the study database (sqlite:PATH)", DEFAULT_STORAGE)
    .option("--input <HxWxC>", "dataset image size", imageShape, [28, 28, 1])
    .option("--classes <n>", "output classes", positiveInt, 10)
    .option("--time-cap-ms <ms>", "measuring time per network and device", positiveNumber, DEFAULT_MEASURE.timeCapMs)
    .option("--clock <name>", "wall (what a user waits) or process-cpu (CPU time of this process: robust on a busy shared machine, for 1-thread devices)", "wall")
    .option("--json", "print one JSON line per measurement")
    .action(async (options: ProfileOptions) => {
      if (!(options.clock in CLOCKS)) throw new NascentError(`--clock must be one of ${Object.keys(CLOCKS).join(", ")}, got '${options.clock}'`);
      const devices = (options.device.length ? options.device : ["ort-node:1"]).map(resolveDevice);
      const space = resolveSpace(options.space);
      const networks = sampledNetworks(networkBuilderFor(space).name, space, options.samples, options.seed, options.input, options.classes);
      const store = new LatencyStore(sqlitePath(options.storage));
      const bar = new cliProgress.SingleBar({ format: "{bar} {value}/{total} measurements | {duration_formatted} elapsed", stream: process.stderr }, cliProgress.Presets.shades_classic);
      if (process.stderr.isTTY) bar.start(networks.length * devices.length, 0);
      try {
        for (const [i, { config, network, input }] of networks.entries()) {
          for (const device of devices) {
            const m = await profileNetwork(device, network, input, store, { ...DEFAULT_MEASURE, timeCapMs: options.timeCapMs }, options.clock as ClockName);
            if (process.stderr.isTTY) bar.increment();
            const line = { index: i, device: device.name, median_ms: m.medianMs, p90_ms: m.p90Ms, repeats: m.repeats, relative_error: m.relativeError, converged: m.converged, key: m.networkKey, config };
            if (options.json) printJsonLine(line);
            else if (!process.stderr.isTTY) console.log(`${i} ${device.name}: median ${m.medianMs.toFixed(3)} ms, p90 ${m.p90Ms.toFixed(3)} ms (${m.repeats} runs, SE ${(100 * m.relativeError).toFixed(1)}%)`);
          }
        }
      } finally {
        bar.stop();
        store.close();
        for (const device of devices) await device.close?.();
      }
    });
}
