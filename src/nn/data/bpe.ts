/**
 * Byte-level byte-pair encoding (Sennrich et al. 2016, "Neural Machine Translation of Rare Words with Subword
 * Units"; byte-level as GPT-2, Radford et al. 2019): the 256 byte values are the base vocabulary, and training
 * adds the most frequent adjacent pair as a new token until the vocabulary has the asked size. As GPT-2, text
 * is first split into pre-tokens (a letter run, digit run or punctuation run with its leading space; whitespace
 * runs) so merges never cross a word boundary, and pairs are counted over distinct pre-tokens weighted by
 * frequency. Ties go to the pair with the smaller ids, so training is deterministic.
 */
export interface Bpe {
  /** 256 + merges.length. */
  vocab: number;
  /** Merge i creates token 256 + i from the pair [left, right]. */
  merges: [number, number][];
}

const PRE_TOKEN = / ?[A-Za-z]+| ?[0-9]+| ?[^\sA-Za-z0-9]+|\s+/g;

function preTokenCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const match of text.matchAll(PRE_TOKEN)) counts.set(match[0], (counts.get(match[0]) ?? 0) + 1);
  return counts;
}

const pairKey = (a: number, b: number) => a * 65536 + b;

/** Learns `vocab - 256` merges on `text` (Latin-1 bytes). Throws when vocab < 256 or > 65536. */
export function trainBpe(text: string, vocab: number): Bpe {
  if (!Number.isInteger(vocab) || vocab < 256 || vocab > 65536) throw new Error(`BPE vocabulary must be an integer in 256..65536, got ${vocab}`);
  const words = [...preTokenCounts(text)].map(([word, count]) => ({ ids: [...Buffer.from(word, "latin1")], count }));
  const merges: [number, number][] = [];
  while (256 + merges.length < vocab) {
    const pairs = new Map<number, number>();
    for (const { ids, count } of words) for (let i = 0; i + 1 < ids.length; i++) pairs.set(pairKey(ids[i], ids[i + 1]), (pairs.get(pairKey(ids[i], ids[i + 1])) ?? 0) + count);
    let best = -1;
    let bestCount = 0;
    for (const [key, count] of pairs) if (count > bestCount || (count === bestCount && key < best)) [best, bestCount] = [key, count];
    if (best < 0) break; // every pre-token is one token: nothing left to merge
    const [a, b] = [Math.floor(best / 65536), best % 65536];
    const token = 256 + merges.length;
    merges.push([a, b]);
    for (const word of words) word.ids = mergePair(word.ids, a, b, token);
  }
  return { vocab: 256 + merges.length, merges };
}

function mergePair(ids: number[], a: number, b: number, token: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < ids.length; i++) {
    if (i + 1 < ids.length && ids[i] === a && ids[i + 1] === b) {
      out.push(token);
      i++;
    } else out.push(ids[i]);
  }
  return out;
}

/** Token ids of `text`: each pre-token's bytes merged in the order the merges were learned (GPT-2's rule). */
export function encodeBpe(bpe: Bpe, text: string): Int32Array {
  const rank = new Map(bpe.merges.map(([a, b], i) => [pairKey(a, b), i]));
  const cache = new Map<string, number[]>();
  const out: number[] = [];
  for (const match of text.matchAll(PRE_TOKEN)) {
    let ids = cache.get(match[0]);
    if (!ids) {
      ids = [...Buffer.from(match[0], "latin1")];
      for (;;) {
        let bestRank = Infinity;
        for (let i = 0; i + 1 < ids.length; i++) bestRank = Math.min(bestRank, rank.get(pairKey(ids[i], ids[i + 1])) ?? Infinity);
        if (bestRank === Infinity) break;
        const [a, b] = bpe.merges[bestRank];
        ids = mergePair(ids, a, b, 256 + bestRank);
      }
      cache.set(match[0], ids);
    }
    for (const id of ids) out.push(id);
  }
  return Int32Array.from(out);
}

/** The text (Latin-1) of token ids. */
export function decodeBpe(bpe: Bpe, ids: ArrayLike<number>): string {
  const bytes: number[] = [];
  const expand = (id: number): void => {
    if (id < 256) bytes.push(id);
    else {
      const [a, b] = bpe.merges[id - 256];
      expand(a);
      expand(b);
    }
  };
  for (let i = 0; i < ids.length; i++) expand(ids[i]);
  return Buffer.from(bytes).toString("latin1");
}
