import * as s from "../dsl.js";

/**
 * An OFA-style elastic MobileNetV3 macro space (Cai et al., Once-for-All, ICLR 2020), scaled for small
 * images: four stages of MBConv blocks, each stage with its own depthwise kernel, expand ratio, depth and
 * width multiplier, and the input resolution as a fraction of the dataset's native size.
 */
export const mobilenetSpace = s.object({
  resolution: s.choice([0.75, 0.875, 1]),
  stages: s.list(
    s.object({
      kernel: s.choice([3, 5, 7]),
      expand: s.choice([3, 4, 6]),
      depth: s.int(2, 4),
      width: s.choice([0.75, 1, 1.25]),
    }),
    4,
  ),
});
export type MobilenetConfig = s.Infer<typeof mobilenetSpace>;

/** A small vision-transformer space (Dosovitskiy et al. 2021): depth, embedding dim, heads, MLP ratio, patch size. */
export const vitSpace = s.object({
  depth: s.int(1, 6),
  dim: s.choice([32, 48, 64, 96]),
  heads: s.choice([2, 4]),
  mlpRatio: s.choice([1, 2, 4]),
  patch: s.choice([4, 7, 8]),
});
export type VitConfig = s.Infer<typeof vitSpace>;
