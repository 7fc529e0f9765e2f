import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { LatencyStore } from "../../evaluate/devices/latency-store.js";
import { buildNetwork, networkBuilderFor } from "../../nn/builders/index.js";
import { NETWORK_FEATURES, networkFeatures } from "../../predict/latency/network-features.js";
import { fitLatencyPredictor, predictLatencies, PREDICTOR_KINDS, type LatencyPredictorKind } from "../../predict/latency/predictors.js";
import { Rng } from "../../core/rng.js";
import { resolveSpace } from "../../space/builtin/index.js";
import { DEFAULT_STORAGE } from "../../storage/open.js";
import { NascentError } from "../../core/errors.js";
import { imageShape, positiveInt } from "../arguments.js";
import { printJsonLine } from "../output.js";
import { parseConfigArgument } from "../parse-config.js";
import { sqlitePath } from "./latency-profile.js";
import { readLatencyPredictor } from "./latency-option.js";

export function registerLatencyFit(latency: Command): void {
  latency
    .command("fit")
    .description("fit a network-wise latency predictor to every network measured on a device in the study database (a network measured several times counts once, at the median)")
    .requiredOption("--device <name>", "the device whose measurements to fit (e.g. ort-node:1)")
    .option("--kind <kind>", PREDICTOR_KINDS.join(", "), "linear")
    .option("--seed <n>", "seed (gbdt subsamples, MLP initialisation)", positiveInt, 1)
    .option("--storage <url>", "the study database (sqlite:PATH)", DEFAULT_STORAGE)
    .requiredOption("--out <path>", "predictor JSON to write")
    .action((options: { device: string; storage: string; out: string; kind: string; seed: number }) => {
      if (!PREDICTOR_KINDS.includes(options.kind as LatencyPredictorKind)) throw new NascentError(`--kind must be one of ${PREDICTOR_KINDS.join(", ")}, got '${options.kind}'`);
      const store = new LatencyStore(sqlitePath(options.storage));
      const rows = store.list(options.device);
      store.close();
      const byKey = new Map<string, typeof rows>();
      for (const r of rows) byKey.set(r.networkKey, [...(byKey.get(r.networkKey) ?? []), r]);
      const networks = [...byKey.values()];
      if (networks.length < NETWORK_FEATURES.length + 2) throw new NascentError(`--device ${options.device}: ${networks.length} networks measured in '${options.storage}'; profile at least ${NETWORK_FEATURES.length + 2} first`);
      const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor((v.length - 1) / 2)];
      const features = networks.map((m) => networkFeatures(m[0].network, m[0].input));
      const predictor = fitLatencyPredictor(options.kind as LatencyPredictorKind, options.device, features, networks.map((m) => median(m.map((r) => r.medianMs))), { rng: Rng.derive("latency fit", options.seed) });
      writeFileSync(options.out, `${JSON.stringify(predictor, null, 1)}\n`);
      printJsonLine({ out: options.out, device: options.device, kind: options.kind, trainedOn: networks.length });
    });

  latency
    .command("predict")
    .description("predict a config's latency with a fitted predictor")
    .requiredOption("--predictor <path>", "predictor JSON from `latency fit`")
    .requiredOption("--space <name>", "nb201, mobilenet or vit")
    .requiredOption("--config <json|nb201 string>", "the config")
    .option("--input <HxWxC>", "dataset image size", imageShape, [28, 28, 1])
    .option("--classes <n>", "output classes", positiveInt, 10)
    .action((options: { predictor: string; space: string; config: string; input: [number, number, number]; classes: number }) => {
      const predictor = readLatencyPredictor(options.predictor, "--predictor");
      const space = resolveSpace(options.space);
      const { network, input } = buildNetwork(networkBuilderFor(space).name, parseConfigArgument(space, options.config), { shape: options.input, classes: options.classes });
      printJsonLine({ device: predictor.device, latency_ms: predictLatencies(predictor, [networkFeatures(network, input)])[0], input });
    });
}
