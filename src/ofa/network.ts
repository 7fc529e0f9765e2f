import { NascentError } from "../core/errors.js";
import { convBnAct, mbConv, seq } from "../nn/blocks.js";
import { makeDivisible, MOBILENET_STAGES } from "../nn/builders/mobilenet.js";
import type { Layer } from "../nn/layers.js";
import type { MobilenetConfig } from "../space/builtin/macro.js";

/** The elastic choices, largest first (Cai et al. 2020, sec. 3.2), and the depths of the `mobilenet` space. */
export const OFA_KERNELS = [7, 5, 3] as const;
export const OFA_EXPANDS = [6, 4, 3] as const;
export const OFA_DEPTHS = [4, 3, 2] as const;
export const OFA_RESOLUTIONS = [1, 0.875, 0.75] as const;
export const MAX_DEPTH = 4;
const STEM_CHANNELS = 8;

/** One stage of a sub-network: depthwise kernel, expand ratio, depth (first `depth` blocks kept). */
export interface OfaStage {
  kernel: number;
  expand: number;
  depth: number;
}

/** A sub-network of the supernet: the `mobilenet` space's config at the supernet's fixed width. */
export interface OfaConfig {
  resolution: number;
  stages: OfaStage[];
}

/** The supernet's fixed parts: input, classes, the width multiplier of every stage, head channels. */
export interface OfaShape {
  /** Native input [H, W, C]; a config's side is round(resolution * H). */
  input: [number, number, number];
  classes: number;
  width: number;
  head: number;
}

export const fullConfig = (): OfaConfig => ({ resolution: 1, stages: MOBILENET_STAGES.map(() => ({ kernel: 7, expand: 6, depth: MAX_DEPTH })) });

export const stageChannels = (shape: OfaShape): number[] => MOBILENET_STAGES.map((s) => makeDivisible(s.channels * shape.width));

/** Input side of a config: round(resolution x native side). */
export const sideOf = (shape: OfaShape, config: OfaConfig): number => Math.round(config.resolution * shape.input[0]);

export function checkConfig(config: OfaConfig, where = "config"): void {
  const bad = (what: string) => new NascentError(`${where}: ${what}`);
  if (!(OFA_RESOLUTIONS as readonly number[]).includes(config.resolution)) throw bad(`resolution ${config.resolution} is not one of ${OFA_RESOLUTIONS.join(", ")}`);
  if (config.stages?.length !== MOBILENET_STAGES.length) throw bad(`needs ${MOBILENET_STAGES.length} stages`);
  config.stages.forEach((s, i) => {
    if (!(OFA_KERNELS as readonly number[]).includes(s.kernel)) throw bad(`stage ${i} kernel ${s.kernel} is not one of ${OFA_KERNELS.join(", ")}`);
    if (!(OFA_EXPANDS as readonly number[]).includes(s.expand)) throw bad(`stage ${i} expand ${s.expand} is not one of ${OFA_EXPANDS.join(", ")}`);
    if (!(OFA_DEPTHS as readonly number[]).includes(s.depth)) throw bad(`stage ${i} depth ${s.depth} is not one of ${OFA_DEPTHS.join(", ")}`);
  });
}

/** A `mobilenet` space config as a sub-network (its width must be the supernet's). */
export function fromMobilenet(config: MobilenetConfig, shape: OfaShape): OfaConfig {
  const off = config.stages.find((s) => s.width !== shape.width);
  if (off) throw new NascentError(`config width ${off.width} is not the supernet's width ${shape.width}`);
  return { resolution: config.resolution, stages: config.stages.map(({ kernel, expand, depth }) => ({ kernel, expand, depth })) };
}

/** A sub-network as the `mobilenet` space's config (checked: its choices are the space's). */
export function toMobilenet(config: OfaConfig, shape: OfaShape): MobilenetConfig {
  checkConfig(config);
  return { resolution: config.resolution, stages: config.stages.map((s) => ({ ...s, width: shape.width })) } as MobilenetConfig;
}

/**
 * The network of a config: the `mobilenet` builder's stages (MBConv, ReLU6 then h-swish, stride-2 stem),
 * with a global-average-pooled head as OFA's MobileNetV3, so the classifier is shared by every resolution.
 * Layer i of the top sequence: 0 stem, then the kept blocks stage by stage, then head conv, pool, classifier.
 */
export function ofaNetwork(shape: OfaShape, config: OfaConfig): Layer {
  const widths = stageChannels(shape);
  const layers: Layer[] = [convBnAct(STEM_CHANNELS, 3, "hswish", { stride: 2 })];
  let channels = STEM_CHANNELS;
  config.stages.forEach((stage, i) => {
    for (let d = 0; d < stage.depth; d++) {
      const stride = d === 0 ? MOBILENET_STAGES[i].stride : 1;
      layers.push(mbConv(channels, widths[i], { kernel: stage.kernel, expand: stage.expand, stride, activation: i >= 2 ? "hswish" : "relu6" }));
      channels = widths[i];
    }
  });
  layers.push(convBnAct(shape.head, 1, "hswish"), { kind: "globalPool" }, { kind: "dense", out: shape.classes });
  return seq(...layers);
}

/** The input channels of block (stage, d): what its expand conv reads. */
export function blockInput(shape: OfaShape, stage: number, d: number): number {
  const widths = stageChannels(shape);
  return d > 0 ? widths[stage] : stage === 0 ? STEM_CHANNELS : widths[stage - 1];
}

/** Where a config's layer sits in the full network: sub-network top-level index -> full index. */
export function layerMap(config: OfaConfig): number[] {
  const map = [0];
  config.stages.forEach((stage, i) => {
    for (let d = 0; d < stage.depth; d++) map.push(1 + MAX_DEPTH * i + d);
  });
  const head = 1 + MAX_DEPTH * config.stages.length;
  map.push(head, head + 1, head + 2);
  return map;
}

/** The path prefix of block (stage, d)'s body in the full network ("5.body." when residual, "5." when not). */
export function blockPrefix(shape: OfaShape, stage: number, d: number): string {
  const index = 1 + MAX_DEPTH * stage + d;
  const residual = (d > 0 || MOBILENET_STAGES[stage].stride === 1) && blockInput(shape, stage, d) === stageChannels(shape)[stage];
  return residual ? `${index}.body.` : `${index}.`;
}

/** A sub-network parameter's name in the full network (the top-level index remapped). */
export function fullName(map: number[], name: string): string {
  const dot = name.indexOf(".");
  return `${map[Number(name.slice(0, dot))]}${name.slice(dot)}`;
}

/** Stable text key of a config (cache key, predictor rows). */
export const configKey = (config: OfaConfig): string =>
  `r${config.resolution}:` + config.stages.map((s) => `k${s.kernel}e${s.expand}d${s.depth}`).join("|");

/** A config from its key (`configKey`) or JSON text; checked against the elastic choices. */
export function parseConfig(text: string): OfaConfig {
  let config: OfaConfig;
  const key = /^r([\d.]+):(.*)$/.exec(text.trim());
  if (key) {
    const stages = key[2].split("|").map((part) => /^k(\d)e(\d)d(\d)$/.exec(part));
    if (stages.some((m) => !m)) throw new NascentError(`config '${text}': stages must read kKeEdD, e.g. k7e6d4`);
    config = { resolution: Number(key[1]), stages: stages.map((m) => ({ kernel: Number(m![1]), expand: Number(m![2]), depth: Number(m![3]) })) };
  } else {
    try {
      config = JSON.parse(text) as OfaConfig;
    } catch {
      throw new NascentError(`config '${text}': neither a key like r1:k7e6d4|k7e6d4|k7e6d4|k7e6d4 nor JSON`);
    }
  }
  checkConfig(config, `config '${text}'`);
  return config;
}
