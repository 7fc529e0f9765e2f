import * as s from "../space/dsl.js";
import { OFA_DEPTHS, OFA_EXPANDS, OFA_KERNELS, OFA_RESOLUTIONS } from "./network.js";

/**
 * The supernet's sub-networks as a search space: per stage an elastic kernel, expand ratio and depth, and
 * the input resolution (Cai et al. 2020, sec. 3.2); 3 x 27^4 = 1,594,323 configs. The `mobilenet` space
 * without its width (fixed in a supernet), so nascent's strategies (NSGA-II, ...) search supernets as any space.
 * Its configs are `OfaConfig`s.
 */
export const ofaSpace = s.object({
  resolution: s.choice(OFA_RESOLUTIONS),
  stages: s.list(s.object({ kernel: s.choice(OFA_KERNELS), expand: s.choice(OFA_EXPANDS), depth: s.choice(OFA_DEPTHS) }), 4),
});
export type OfaSpaceConfig = s.Infer<typeof ofaSpace>;
