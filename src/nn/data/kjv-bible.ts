import { existsSync, readFileSync } from "node:fs";
import { NascentError } from "../../core/errors.js";

/** Where Debian's `bible-kjv-text` package installs the King James Bible (public domain text). */
export const KJV_BIBLE_PATH = "/usr/lib/bible.data";

/**
 * Reads the King James Bible from the `bible-kjv-text` data file. The format is Chip Chapin's "Text Storage
 * Library" (bible-kjv, tsl.h): an "EC02" header with an 80-byte description, the window size and window count
 * as big-endian 32-bit integers, the file offset of every window (plus one past the end), then each window
 * compressed on its own with Unix `compress` LZW (magic 1F 9D once before the first window, then raw codes).
 * Returns the whole text (about 4.3 MB). Throws a NascentError when the file is missing or not this format.
 */
export function readKjvBible(path = KJV_BIBLE_PATH): string {
  if (!existsSync(path)) throw new NascentError(`the King James Bible text is not installed at ${path} (apt-get install bible-kjv-text)`);
  const file = readFileSync(path);
  if (file.toString("latin1", 0, 4) !== "EC02") throw new NascentError(`${path}: not a bible-kjv "EC02" data file`);
  const windowSize = file.readUInt32BE(84);
  const windows = file.readUInt32BE(88);
  const offsets = Array.from({ length: windows + 1 }, (_, i) => file.readUInt32BE(92 + 4 * i));
  const header = 92 + 4 * (windows + 1);
  if (file[header] !== 0x1f || file[header + 1] !== 0x9d) throw new NascentError(`${path}: missing the compress header after the window table`);
  const flags = file[header + 2];
  const parts: Buffer[] = [];
  for (let w = 0; w < windows; w++) {
    const out = lzwDecompress(file.subarray(offsets[w], offsets[w + 1]), flags & 0x1f, (flags & 0x80) !== 0);
    if (out.length !== windowSize && w !== windows - 1) throw new NascentError(`${path}: window ${w} decompressed to ${out.length} bytes, expected ${windowSize}`);
    parts.push(out);
  }
  return Buffer.concat(parts).toString("latin1");
}

const INIT_BITS = 9;
const CLEAR = 256;
const FIRST = 257;

/**
 * Unix `compress` LZW decoding (Welch 1984; the compress 4.0 code by Thomas, McKie, Davies, Turkowski, Woods
 * and Orost): codes are read LSB-first in groups of n_bits bytes, and a group is abandoned whenever the code
 * width grows or the table is cleared, exactly as the original `getcode`.
 */
export function lzwDecompress(input: Uint8Array, maxBits: number, blockMode: boolean): Buffer {
  const maxMaxCode = 1 << maxBits;
  const prefix = new Uint16Array(maxMaxCode);
  const suffix = new Uint8Array(maxMaxCode);
  for (let c = 0; c < 256; c++) suffix[c] = c;
  let nBits = INIT_BITS;
  let maxCode = (1 << nBits) - 1;
  let freeEnt = blockMode ? FIRST : 256;
  let clearFlag = false;
  let pos = 0;
  let group: Uint8Array = new Uint8Array(0);
  let offset = 0;
  let size = 0;
  const getCode = (): number => {
    if (clearFlag || offset >= size || freeEnt > maxCode) {
      if (freeEnt > maxCode) {
        nBits++;
        maxCode = nBits === maxBits ? maxMaxCode : (1 << nBits) - 1;
      }
      if (clearFlag) {
        nBits = INIT_BITS;
        maxCode = (1 << nBits) - 1;
        clearFlag = false;
      }
      const bytes = Math.min(nBits, input.length - pos);
      if (bytes <= 0) return -1;
      group = input.subarray(pos, pos + bytes);
      pos += bytes;
      offset = 0;
      size = (bytes << 3) - (nBits - 1);
    }
    let code = 0;
    for (let b = 0; b < nBits; b++) {
      const bit = offset + b;
      if ((group[bit >> 3] >> (bit & 7)) & 1) code |= 1 << b;
    }
    offset += nBits;
    return code;
  };

  const out: number[] = [];
  let oldCode = getCode();
  if (oldCode === -1) return Buffer.alloc(0);
  let finChar = oldCode;
  out.push(finChar);
  const stack: number[] = [];
  for (let code = getCode(); code > -1; code = getCode()) {
    if (code === CLEAR && blockMode) {
      prefix.fill(0, 0, 256);
      clearFlag = true;
      freeEnt = FIRST - 1;
      code = getCode();
      if (code === -1) break;
    }
    const inCode = code;
    if (code >= freeEnt) {
      stack.push(finChar);
      code = oldCode;
    }
    while (code >= 256) {
      stack.push(suffix[code]);
      code = prefix[code];
    }
    finChar = suffix[code];
    stack.push(finChar);
    while (stack.length) out.push(stack.pop() as number);
    if (freeEnt < maxMaxCode) {
      prefix[freeEnt] = oldCode;
      suffix[freeEnt] = finChar;
      freeEnt++;
    }
    oldCode = inCode;
  }
  return Buffer.from(out);
}
