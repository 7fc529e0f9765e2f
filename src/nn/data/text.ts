import type { Rng } from "../../core/rng.js";
import { encodeBpe, trainBpe } from "./bpe.js";

/** A tokenised text split into training and validation streams (token ids, one per byte for byte-level). */
export interface TextSplits {
  train: Int32Array;
  validation: Int32Array;
  vocab: number;
  /** Bytes of text per validation token (1 for byte-level): nats per token / this = nats per byte. */
  bytesPerToken?: number;
}

/** The text of the train and validation chunks (every `every`-th chunk of `chunk` characters is validation). */
function chunkSplit(text: string, chunk: number, every: number): { train: string; validation: string } {
  const train: string[] = [];
  const validation: string[] = [];
  for (let start = 0, i = 0; start < text.length; start += chunk, i++) (i % every === every - 1 ? validation : train).push(text.slice(start, start + chunk));
  return { train: train.join(""), validation: validation.join("") };
}

/**
 * Byte-level BPE tokens (data/bpe.ts) of `text` with a vocabulary of `vocab`, learned on the training
 * chunks only, with the same interleaved split as `byteLevelSplits`.
 */
export function bpeSplits(text: string, vocab: number, chunk = 8192, every = 20): TextSplits {
  const split = chunkSplit(text, chunk, every);
  const bpe = trainBpe(split.train, vocab);
  const validation = encodeBpe(bpe, split.validation);
  return { train: encodeBpe(bpe, split.train), validation, vocab: bpe.vocab, bytesPerToken: Buffer.byteLength(split.validation, "latin1") / validation.length };
}

/**
 * Byte-level tokens of `text` (Latin-1, ids 0-255) split by interleaved chunks: every `every`-th chunk of
 * `chunk` bytes is validation, so both splits cover every book (a tail split would validate on Revelation only).
 */
export function byteLevelSplits(text: string, chunk = 8192, every = 20): TextSplits {
  const bytes = Buffer.from(text, "latin1");
  const train: number[] = [];
  const validation: number[] = [];
  for (let start = 0, i = 0; start < bytes.length; start += chunk, i++) {
    const piece = bytes.subarray(start, Math.min(bytes.length, start + chunk));
    const target = i % every === every - 1 ? validation : train;
    for (const b of piece) target.push(b);
  }
  return { train: Int32Array.from(train), validation: Int32Array.from(validation), vocab: 256 };
}

/** `batch` random windows of `length` tokens from `stream`, as one [batch * length] array. */
export function randomWindows(stream: Int32Array, batch: number, length: number, rng: Rng): Int32Array {
  const out = new Int32Array(batch * length);
  for (let b = 0; b < batch; b++) {
    const start = rng.int(0, stream.length - length);
    out.set(stream.subarray(start, start + length), b * length);
  }
  return out;
}

/** The first `count` non-overlapping windows spread evenly over `stream`: a fixed validation set. */
export function evenWindows(stream: Int32Array, count: number, length: number): Int32Array {
  const out = new Int32Array(count * length);
  const stride = Math.floor((stream.length - length) / Math.max(1, count - 1));
  for (let i = 0; i < count; i++) out.set(stream.subarray(i * stride, i * stride + length), i * length);
  return out;
}
