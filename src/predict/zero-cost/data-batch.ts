import { NascentError } from "../../core/errors.js";
import type { Rng } from "../../core/rng.js";
import { type ImageDataset, resizeDataset, subset } from "../../nn/data/dataset.js";
import type { Shape } from "../../nn/layers.js";
import type { ProxyBatch } from "./saliency.js";

/**
 * A minibatch of a dataset's real images with their real labels, for the data-dependent proxies (snip,
 * grad_norm, grasp, fisher, jacob_cov, NASWOT): `count` distinct images drawn without replacement by `rng`
 * (the same stream gives the same batch), resized bilinearly to `input` (H, W, C) when the network wants
 * another resolution, as training does. NASLib scores each architecture on the next batch of a shuffled
 * training loader; this is that batch, seeded. Images (count, H, W, C) as the dataset stores them
 * (already normalised), labels in [0, classes). Throws when the dataset has fewer than `count` images or
 * its channels differ from `input`'s.
 */
export function dataBatch(dataset: ImageDataset, count: number, rng: Rng, input: Shape = dataset.shape): ProxyBatch {
  if (!(Number.isInteger(count) && count >= 1 && count <= dataset.count)) throw new NascentError(`dataBatch: ${dataset.name} has ${dataset.count} images, cannot draw a batch of ${count}`);
  const [height, width, channels] = input;
  if (input.length !== 3 || channels !== dataset.shape[2]) throw new NascentError(`dataBatch: ${dataset.name} images are ${dataset.shape.join("x")}, the network wants ${input.join("x")} (channels must match)`);
  // A partial Fisher-Yates shuffle: only the first `count` places are drawn, so a 60,000-image set costs `count` draws.
  const chosen = new Map<number, number>();
  const indices = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const j = rng.int(i, dataset.count - 1);
    indices[i] = chosen.get(j) ?? j;
    chosen.set(j, chosen.get(i) ?? i);
  }
  const picked = resizeDataset(subset(dataset, indices), height, width);
  return { images: picked.images, labels: picked.labels, shape: [height, width, channels], classes: dataset.classes, source: "data" };
}
