import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { NascentError } from "../../core/errors.js";
import { Rng } from "../../core/rng.js";
import { type DataSplits, type ImageDataset, shuffledIndices, subset } from "./dataset.js";

/** Where Debian's dataset-fashion-mnist package puts the IDX files (override with NASCENT_FASHION_MNIST_DIR). */
export const FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist";
const FILES = {
  trainImages: "train-images-idx3-ubyte.gz",
  trainLabels: "train-labels-idx1-ubyte.gz",
  testImages: "t10k-images-idx3-ubyte.gz",
  testLabels: "t10k-labels-idx1-ubyte.gz",
};
/** Pixel mean and standard deviation of the Fashion-MNIST training set. */
const MEAN = 0.286;
const STD = 0.353;
/** Validation images held out of the 60,000 training images (always the same ones). */
export const VALIDATION_SIZE = 5_000;

export function fashionMnistDir(): string {
  return process.env.NASCENT_FASHION_MNIST_DIR ?? FASHION_MNIST_DIR;
}

/** The directory holding the four IDX files; if any is missing, an error naming the apt package. */
export function requireFashionMnist(): string {
  const dir = fashionMnistDir();
  const missing = Object.values(FILES).filter((file) => !existsSync(join(dir, file)));
  if (missing.length) {
    throw new NascentError(`Fashion-MNIST not found in ${dir} (missing ${missing.join(", ")}); install it with: sudo apt-get install dataset-fashion-mnist (or set NASCENT_FASHION_MNIST_DIR)`);
  }
  return dir;
}

function readIdx(path: string): { dims: number[]; data: Uint8Array } {
  let bytes: Buffer = readFileSync(path);
  if (path.endsWith(".gz")) bytes = gunzipSync(bytes);
  const magic = bytes.readUInt32BE(0);
  if (magic >> 8 !== 0x08) throw new NascentError(`${path}: not an unsigned-byte IDX file (magic ${magic.toString(16)})`);
  const rank = magic & 0xff;
  const dims = Array.from({ length: rank }, (_, i) => bytes.readUInt32BE(4 + 4 * i));
  const offset = 4 + 4 * rank;
  const expected = dims.reduce((a, b) => a * b, 1);
  if (bytes.length - offset !== expected) throw new NascentError(`${path}: header says ${expected} bytes of data, file has ${bytes.length - offset}`);
  return { dims, data: new Uint8Array(bytes.buffer, bytes.byteOffset + offset, expected) };
}

function loadPart(dir: string, imagesFile: string, labelsFile: string, name: string): ImageDataset {
  const images = readIdx(join(dir, imagesFile));
  const labels = readIdx(join(dir, labelsFile));
  const [count, h, w] = images.dims;
  if (labels.dims[0] !== count) throw new NascentError(`${name}: ${count} images but ${labels.dims[0]} labels`);
  const pixels = new Float32Array(images.data.length);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (images.data[i] / 255 - MEAN) / STD;
  return { name, shape: [h, w, 1], classes: 10, count, images: pixels, labels: Int32Array.from(labels.data) };
}

/**
 * Fashion-MNIST (Xiao et al. 2017) from the IDX files: 55,000 training, 5,000 validation (a fixed random
 * hold-out of the official training set) and the official 10,000 test images. `trainLimit` keeps the
 * first N of the (fixed-order shuffled) training images.
 */
export function loadFashionMnist(options: { trainLimit?: number } = {}): DataSplits {
  const dir = requireFashionMnist();
  const full = loadPart(dir, FILES.trainImages, FILES.trainLabels, "fashion-mnist/train");
  const order = shuffledIndices(full.count, Rng.derive("fashion-mnist", "split"));
  const trainCount = full.count - VALIDATION_SIZE;
  const limit = Math.min(options.trainLimit ?? trainCount, trainCount);
  return {
    train: subset(full, order.subarray(0, limit), "fashion-mnist/train"),
    validation: subset(full, order.subarray(trainCount), "fashion-mnist/validation"),
    test: loadPart(dir, FILES.testImages, FILES.testLabels, "fashion-mnist/test"),
  };
}
