import type { Activation, Layer } from "./layers.js";

/** Building blocks from the literature, as layer descriptions (all convs without bias, each followed by BN). */

export const seq = (...layers: Layer[]): Layer => ({ kind: "sequential", layers });
export const act = (fn: Activation): Layer => ({ kind: "activation", fn });
export const bn = (): Layer => ({ kind: "batchNorm" });

export function conv(out: number, kernel: number, options: { stride?: number; groups?: number; dilation?: number; bias?: boolean } = {}): Layer {
  return { kind: "conv", out, kernel, ...options };
}

/** Conv-BN-activation, the unit most CNNs are made of. */
export function convBnAct(out: number, kernel: number, fn: Activation | null, options: { stride?: number; groups?: number } = {}): Layer {
  return fn ? seq(conv(out, kernel, options), bn(), act(fn)) : seq(conv(out, kernel, options), bn());
}

/** NAS-Bench-201's ReLU-Conv-BN op. */
export const reluConvBn = (out: number, kernel: number, stride = 1): Layer => seq(act("relu"), conv(out, kernel, { stride }), bn());

/** ResNet basic block (He et al. 2016): two 3x3 convs, projection shortcut when the shape changes. */
export function resnetBasic(inChannels: number, out: number, stride = 1): Layer {
  const body = seq(convBnAct(out, 3, "relu", { stride }), convBnAct(out, 3, null));
  const shortcut = stride !== 1 || inChannels !== out ? convBnAct(out, 1, null, { stride }) : undefined;
  return seq({ kind: "residual", body, shortcut }, act("relu"));
}

/** ResNet bottleneck (1x1 reduce, 3x3, 1x1 expand x4); with groups > 1 it is the ResNeXt block (Xie et al. 2017). */
export function resnetBottleneck(inChannels: number, width: number, stride = 1, groups = 1, expansion = 4): Layer {
  const out = width * expansion;
  const body = seq(convBnAct(width, 1, "relu"), convBnAct(width, 3, "relu", { stride, groups }), convBnAct(out, 1, null));
  const shortcut = stride !== 1 || inChannels !== out ? convBnAct(out, 1, null, { stride }) : undefined;
  return seq({ kind: "residual", body, shortcut }, act("relu"));
}

/** MobileNetV1's depthwise-separable conv (Howard et al. 2017). */
export function depthwiseSeparable(inChannels: number, out: number, stride = 1, kernel = 3): Layer {
  return seq(convBnAct(inChannels, kernel, "relu", { stride, groups: inChannels }), convBnAct(out, 1, "relu"));
}

/**
 * MobileNetV2's inverted bottleneck, MBConv (Sandler et al. 2018): 1x1 expand, depthwise kxk, optional
 * squeeze-excite, linear 1x1 project, residual when the shape is kept.
 */
export function mbConv(inChannels: number, out: number, options: { kernel: number; expand: number; stride: number; squeezeExcite?: boolean; activation?: Activation }): Layer {
  const fn = options.activation ?? "relu6";
  const hidden = Math.round(inChannels * options.expand);
  const layers: Layer[] = [];
  if (options.expand !== 1) layers.push(convBnAct(hidden, 1, fn));
  layers.push(convBnAct(hidden, options.kernel, fn, { stride: options.stride, groups: hidden }));
  if (options.squeezeExcite) layers.push({ kind: "squeezeExcite", reduced: Math.max(8, Math.round(hidden / 4)) });
  layers.push(convBnAct(out, 1, null));
  const body = seq(...layers);
  return options.stride === 1 && inChannels === out ? { kind: "residual", body } : body;
}

/**
 * ShuffleNet unit (Zhang et al. 2018): grouped 1x1, channel shuffle, depthwise 3x3, grouped 1x1; added to
 * the input at stride 1, concatenated with an average-pooled input at stride 2.
 */
export function shuffleUnit(inChannels: number, out: number, groups: number, stride = 1): Layer {
  const branchOut = stride === 1 ? out : out - inChannels;
  const bottleneck = Math.max(groups, Math.round(out / 4 / groups) * groups);
  const body = seq(
    convBnAct(bottleneck, 1, "relu", { groups }),
    { kind: "channelShuffle", groups },
    convBnAct(bottleneck, 3, null, { stride, groups: bottleneck }),
    convBnAct(branchOut, 1, null, { groups }),
  );
  if (stride === 1) return seq({ kind: "residual", body }, act("relu"));
  return seq({ kind: "concat", branches: [{ kind: "pool", op: "avg", kernel: 3, stride: 2, padding: 1 }, body] }, act("relu"));
}

/** Pre-norm transformer encoder block (Vaswani et al. 2017; ViT, Dosovitskiy et al. 2021). */
export function transformerBlock(dim: number, heads: number, mlpRatio: number, dropout = 0): Layer {
  const hidden = Math.round(dim * mlpRatio);
  const attention = seq({ kind: "layerNorm" }, { kind: "attention", heads }, ...(dropout ? [{ kind: "dropout", rate: dropout } as Layer] : []));
  const mlp = seq({ kind: "layerNorm" }, { kind: "dense", out: hidden }, act("gelu"), { kind: "dense", out: dim }, ...(dropout ? [{ kind: "dropout", rate: dropout } as Layer] : []));
  return seq({ kind: "residual", body: attention }, { kind: "residual", body: mlp });
}
