import type { Command } from "commander";
import { buildNetwork, networkBuilderFor } from "../../nn/builders/index.js";
import { countCost } from "../../nn/layers.js";
import { resolveSpace } from "../../space/builtin/index.js";
import { parseConfigArgument } from "../parse-config.js";
import { printJsonLine } from "../output.js";
import { imageShape, positiveInt } from "../arguments.js";

interface InspectOptions {
  space: string;
  config: string;
  classes: number;
  input: [number, number, number];
  json?: boolean;
  network?: boolean;
}


export function registerInspect(program: Command): void {
  program
    .command("inspect")
    .description("build the network of a config and count its parameters, FLOPs and activation memory")
    .requiredOption("--space <name>", "nb201, mobilenet or vit")
    .requiredOption("--config <json|nb201 string>", "the config")
    .option("--classes <n>", "output classes", positiveInt, 10)
    .option("--input <HxWxC>", "input image size", imageShape, [32, 32, 3])
    .option("--network", "also print the network description")
    .option("--json", "print one JSON object")
    .action((options: InspectOptions) => {
      const space = resolveSpace(options.space);
      const config = parseConfigArgument(space, options.config);
      const { name } = networkBuilderFor(space);
      const { network, input } = buildNetwork(name, config, { shape: options.input, classes: options.classes });
      const cost = countCost(network, input);
      const summary = {
        params: cost.params,
        flops: cost.macs,
        flops_2x: 2 * cost.macs,
        activation_bytes: cost.activationBytes,
        input,
        ...(options.network ? { network } : {}),
      };
      if (options.json) return printJsonLine(summary);
      console.log(`input             ${input.join("x")}, ${options.classes} classes`);
      console.log(`params            ${cost.params.toLocaleString("en-US")}`);
      console.log(`flops             ${cost.macs.toLocaleString("en-US")}  (multiply-adds of conv/dense layers, NB201's convention; x2 = ${(2 * cost.macs).toLocaleString("en-US")})`);
      console.log(`activation bytes  ${cost.activationBytes.toLocaleString("en-US")}  (float32 outputs of every layer, one image)`);
      if (options.network) console.log(JSON.stringify(network, null, 1));
    });
}
