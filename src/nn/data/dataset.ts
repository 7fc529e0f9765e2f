import type { Rng } from "../../core/rng.js";

/** Labelled images in memory: NHWC float32 pixels (already normalised) and integer labels. */
export interface ImageDataset {
  readonly name: string;
  /** [H, W, C] */
  readonly shape: readonly [number, number, number];
  readonly classes: number;
  readonly count: number;
  readonly images: Float32Array;
  readonly labels: Int32Array;
}

export interface DataSplits {
  train: ImageDataset;
  validation: ImageDataset;
  test: ImageDataset;
}

export function subset(dataset: ImageDataset, indices: ArrayLike<number>, name = dataset.name): ImageDataset {
  const pixels = dataset.shape[0] * dataset.shape[1] * dataset.shape[2];
  const images = new Float32Array(indices.length * pixels);
  const labels = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const from = indices[i];
    images.set(dataset.images.subarray(from * pixels, (from + 1) * pixels), i * pixels);
    labels[i] = dataset.labels[from];
  }
  return { name, shape: dataset.shape, classes: dataset.classes, count: indices.length, images, labels };
}

export function shuffledIndices(count: number, rng: Rng): Int32Array {
  const order = new Int32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  for (let i = count - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/**
 * Synthetic classification data for fast tests: each class is a smooth random prototype image; samples
 * are prototypes plus Gaussian noise, so small networks can learn it in a few steps yet not trivially.
 */
export function syntheticDataset(options: { count: number; shape: [number, number, number]; classes: number; noise?: number; rng: Rng; name?: string }): ImageDataset {
  const [h, w, c] = options.shape;
  const pixels = h * w * c;
  const prototypes = Array.from({ length: options.classes }, (_, k) => {
    const proto = new Float32Array(pixels);
    const fy = 1 + options.rng.int(0, 3);
    const fx = 1 + options.rng.int(0, 3);
    const phase = options.rng.float() * Math.PI * 2;
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let ch = 0; ch < c; ch++) proto[(y * w + x) * c + ch] = Math.sin((fy * y) / h * Math.PI + (fx * x) / w * Math.PI + phase + ch + k);
    return proto;
  });
  const images = new Float32Array(options.count * pixels);
  const labels = new Int32Array(options.count);
  const noise = options.noise ?? 0.5;
  for (let i = 0; i < options.count; i++) {
    const label = options.rng.int(0, options.classes - 1);
    labels[i] = label;
    for (let p = 0; p < pixels; p++) images[i * pixels + p] = prototypes[label][p] + noise * options.rng.normal();
  }
  return { name: options.name ?? "synthetic", shape: options.shape, classes: options.classes, count: options.count, images, labels };
}

/** Train/validation/test splits of one synthetic dataset (the same class prototypes in all three). */
export function syntheticSplits(options: { train: number; validation: number; test: number; shape: [number, number, number]; classes: number; noise?: number; rng: Rng }): DataSplits {
  const all = syntheticDataset({ ...options, count: options.train + options.validation + options.test });
  const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);
  return {
    train: subset(all, range(0, options.train), "synthetic/train"),
    validation: subset(all, range(options.train, options.validation), "synthetic/validation"),
    test: subset(all, range(options.train + options.validation, options.test), "synthetic/test"),
  };
}

/** Bilinear resize of every image to side x side (align-corners off, as torch's interpolate). */
export function resizeDataset(dataset: ImageDataset, height: number, width: number): ImageDataset {
  const [h, w, c] = dataset.shape;
  if (h === height && w === width) return dataset;
  const images = new Float32Array(dataset.count * height * width * c);
  const source = (out: number, inSize: number, outSize: number) => Math.min(inSize - 1, Math.max(0, ((out + 0.5) * inSize) / outSize - 0.5));
  for (let i = 0; i < dataset.count; i++) {
    const from = i * h * w * c;
    const to = i * height * width * c;
    for (let y = 0; y < height; y++) {
      const sy = source(y, h, height);
      const y0 = Math.floor(sy);
      const y1 = Math.min(h - 1, y0 + 1);
      const fy = sy - y0;
      for (let x = 0; x < width; x++) {
        const sx = source(x, w, width);
        const x0 = Math.floor(sx);
        const x1 = Math.min(w - 1, x0 + 1);
        const fx = sx - x0;
        for (let ch = 0; ch < c; ch++) {
          const at = (yy: number, xx: number) => dataset.images[from + (yy * w + xx) * c + ch];
          images[to + (y * width + x) * c + ch] = (1 - fy) * ((1 - fx) * at(y0, x0) + fx * at(y0, x1)) + fy * ((1 - fx) * at(y1, x0) + fx * at(y1, x1));
        }
      }
    }
  }
  return { ...dataset, shape: [height, width, c], images };
}
