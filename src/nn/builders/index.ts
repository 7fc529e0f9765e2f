import { nb201Space, type Nb201Config } from "../../space/builtin/nb201.js";
import { mobilenetSpace, vitSpace, type MobilenetConfig, type VitConfig } from "../../space/builtin/macro.js";
import type { Space } from "../../space/space.js";
import { NascentError } from "../../core/errors.js";
import { canonicalJson } from "../../core/json.js";
import type { Layer, Shape } from "../layers.js";
import { mobilenetNetwork, mobilenetResolution } from "./mobilenet.js";
import { nb201Network } from "./nb201.js";
import { dartsNetwork } from "./darts.js";
import { nb301Space, type Nb301Config } from "../../space/builtin/nb301.js";
import { vitNetwork } from "./vit.js";

/** A network for one config on one kind of data, and the input size it wants (images are resized to it). */
export interface BuiltNetwork {
  network: Layer;
  input: [number, number, number];
}

export interface DataShape {
  /** [H, W, C] of the dataset's images. */
  shape: readonly [number, number, number];
  classes: number;
}

interface NetworkBuilder {
  space: Space<unknown>;
  build(config: unknown, data: DataShape): BuiltNetwork;
}

/** The spaces whose configs nascent can turn into networks, by built-in space name. */
export const NETWORK_BUILDERS: Record<string, NetworkBuilder> = {
  nb201: { space: nb201Space as Space<unknown>, build: (config, data) => ({ network: nb201Network(config as Nb201Config, data.classes), input: [...data.shape] }) },
  mobilenet: {
    space: mobilenetSpace as Space<unknown>,
    build(config, data) {
      const side = mobilenetResolution(config as MobilenetConfig, data.shape[0]);
      return { network: mobilenetNetwork(config as MobilenetConfig, data.shape[2], data.classes), input: [side, side, data.shape[2]] };
    },
  },
  /** DARTS's search-size network (C = 16, 8 cells), not its 36/20 evaluation network: CPU training. */
  nb301: { space: nb301Space as Space<unknown>, build: (config, data) => ({ network: dartsNetwork(config as Nb301Config, { channels: 16, cells: 8, classes: data.classes }), input: [...data.shape] }) },
  vit: { space: vitSpace as Space<unknown>, build: (config, data) => ({ network: vitNetwork(config as VitConfig, data.classes), input: [...data.shape] }) },
};

/** The builder for a space, recognised by its definition (so a space read back from a stored study works too). */
export function networkBuilderFor(space: Space<unknown>): NetworkBuilder & { name: string } {
  const json = canonicalJson(space.toJson());
  for (const [name, builder] of Object.entries(NETWORK_BUILDERS)) if (canonicalJson(builder.space.toJson()) === json) return { name, ...builder };
  throw new NascentError(`no network builder for this space; real training supports the built-in spaces ${Object.keys(NETWORK_BUILDERS).join(", ")}`);
}

export function buildNetwork(spaceName: string, config: unknown, data: DataShape): BuiltNetwork {
  const builder = NETWORK_BUILDERS[spaceName];
  if (!builder) throw new NascentError(`no network builder for space '${spaceName}' (expected one of ${Object.keys(NETWORK_BUILDERS).join(", ")})`);
  builder.space.validate(config);
  return builder.build(config, data);
}

export type { Shape };
