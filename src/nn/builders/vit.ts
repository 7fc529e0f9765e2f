import type { VitConfig } from "../../space/builtin/macro.js";
import { seq, transformerBlock } from "../blocks.js";
import type { Layer } from "../layers.js";

/**
 * A small ViT: patch embedding (images whose side the patch does not divide are zero-padded), `depth`
 * pre-norm encoder blocks, final layer norm, mean pooling over tokens and a linear classifier.
 */
export function vitNetwork(config: VitConfig, classes: number): Layer {
  const blocks = Array.from({ length: config.depth }, () => transformerBlock(config.dim, config.heads, config.mlpRatio));
  return seq({ kind: "patchEmbed", patch: config.patch, dim: config.dim }, ...blocks, { kind: "layerNorm" }, { kind: "globalPool" }, { kind: "dense", out: classes });
}
