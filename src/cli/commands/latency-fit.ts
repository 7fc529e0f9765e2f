import { readFileSync, writeFileSync } from "node:fs";
import type { Command } from "commander";
import { LatencyStore } from "../../evaluate/devices/latency-store.js";
import { buildNetwork, networkBuilderFor } from "../../nn/builders/index.js";
import { fitLinearPredictor, predictLinear, type LinearPredictor } from "../../predict/latency/linear-predictor.js";
import { featureVector, NETWORK_FEATURES, networkFeatures } from "../../predict/latency/network-features.js";
import { resolveSpace } from "../../space/builtin/index.js";
import { DEFAULT_STORAGE } from "../../storage/open.js";
import { NascentError } from "../../core/errors.js";
import { positiveInt } from "../arguments.js";
import { printJsonLine } from "../output.js";
import { parseConfigArgument } from "../parse-config.js";
import { imageShape } from "./inspect.js";
import { sqlitePath } from "./latency-profile.js";

export function registerLatencyFit(latency: Command): void {
  latency
    .command("fit")
    .description("fit a network-wise linear latency predictor to every measurement of a device in the study database")
    .requiredOption("--device <name>", "the device whose measurements to fit (e.g. ort-node:1)")
    .option("--storage <url>", "the study database (sqlite:PATH)", DEFAULT_STORAGE)
    .requiredOption("--out <path>", "predictor JSON to write")
    .action((options: { device: string; storage: string; out: string }) => {
      const store = new LatencyStore(sqlitePath(options.storage));
      const rows = store.list(options.device);
      store.close();
      if (rows.length < NETWORK_FEATURES.length + 2) throw new NascentError(`--device ${options.device}: ${rows.length} measurements in '${options.storage}'; profile at least ${NETWORK_FEATURES.length + 2} networks first`);
      const x = rows.map((r) => featureVector(networkFeatures(r.network, r.input)));
      const predictor = fitLinearPredictor(options.device, [...NETWORK_FEATURES], x, rows.map((r) => r.medianMs));
      writeFileSync(options.out, `${JSON.stringify(predictor, null, 1)}\n`);
      printJsonLine({ out: options.out, device: options.device, trainedOn: rows.length });
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
      let predictor: LinearPredictor;
      try {
        predictor = JSON.parse(readFileSync(options.predictor, "utf8")) as LinearPredictor;
      } catch (error) {
        throw new NascentError(`--predictor '${options.predictor}': ${(error as Error).message}`);
      }
      if (predictor.kind !== "linear" || predictor.version !== 1) throw new NascentError(`--predictor '${options.predictor}': not a version-1 linear latency predictor`);
      const space = resolveSpace(options.space);
      const { network, input } = buildNetwork(networkBuilderFor(space).name, parseConfigArgument(space, options.config), { shape: options.input, classes: options.classes });
      printJsonLine({ device: predictor.device, latency_ms: predictLinear(predictor, featureVector(networkFeatures(network, input))), input });
    });
}
