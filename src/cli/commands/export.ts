import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { exportOnnx, weightsOf } from "../../export/onnx/export.js";
import { buildNetwork, networkBuilderFor } from "../../nn/builders/index.js";
import { loadCheckpoint } from "../../nn/checkpoint.js";
import { loadEngine } from "../../nn/engine/index.js";
import { initNetwork } from "../../nn/init.js";
import { resolveSpace } from "../../space/builtin/index.js";
import { NascentError } from "../../core/errors.js";
import { Rng } from "../../core/rng.js";
import { imageShape, integer, positiveInt } from "../arguments.js";
import { printJsonLine } from "../output.js";
import { parseConfigArgument } from "../parse-config.js";

interface ExportOptions {
  space?: string;
  config?: string;
  classes: number;
  input: [number, number, number];
  checkpoint?: string;
  seed: number;
  out: string;
  json?: boolean;
}

export function registerExport(program: Command): void {
  program
    .command("export")
    .description("write a network with its weights as an ONNX model (input NHWC float32 [batch, H, W, C], output logits)")
    .option("--space <name>", "nb201, mobilenet or vit (with --config)")
    .option("--config <json|nb201 string>", "the config whose network to export")
    .option("--classes <n>", "output classes", positiveInt, 10)
    .option("--input <HxWxC>", "dataset image size", imageShape, [28, 28, 1])
    .option("--checkpoint <path>", "trained weights (a nascent safetensors checkpoint; its network is exported)")
    .option("--seed <n>", "initialisation seed when no checkpoint is given", integer, 0)
    .requiredOption("--out <path>", "the .onnx file to write")
    .option("--json", "print one JSON line")
    .action(async (options: ExportOptions) => {
      await loadEngine();
      let network;
      let input: number[];
      let params;
      let state;
      if (options.checkpoint) {
        ({ network, input, params, state } = loadCheckpoint(options.checkpoint));
      } else {
        if (!options.space || !options.config) throw new NascentError("export needs --checkpoint, or --space and --config");
        const space = resolveSpace(options.space);
        const config = parseConfigArgument(space, options.config);
        ({ network, input } = buildNetwork(networkBuilderFor(space).name, config, { shape: options.input, classes: options.classes }));
        ({ params, state } = initNetwork(network, input, Rng.derive("export init", options.seed)));
      }
      const bytes = exportOnnx(network, input, await weightsOf(params, state));
      writeFileSync(options.out, bytes);
      const summary = { out: options.out, bytes: bytes.length, input, trained: Boolean(options.checkpoint) };
      if (options.json) return printJsonLine(summary);
      console.log(`wrote ${options.out} (${bytes.length.toLocaleString("en-US")} bytes), input [batch, ${input.join(", ")}] NHWC${options.checkpoint ? "" : ", freshly initialised weights"}`);
    });
}
