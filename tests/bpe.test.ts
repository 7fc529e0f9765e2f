import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { describe, it } from "node:test";
import { decodeBpe, encodeBpe, trainBpe } from "../src/nn/data/bpe.js";
import { bpeSplits, byteLevelSplits } from "../src/nn/data/text.js";
import { KJV_BIBLE_PATH, readKjvBible } from "../src/nn/data/kjv-bible.js";

describe("byte-level BPE", () => {
  it("learns the most frequent pair first and merges within pre-tokens only", () => {
    const bpe = trainBpe("aaab aaab aaab xy", 258);
    // "aa" occurs twice in each " aaab"-like pre-token ("aaab" then " aaab"): 6 times, more than any other pair.
    assert.deepEqual(bpe.merges[0], [97, 97]);
    // No merge crosses the space that starts a pre-token: "b " is never a pair.
    assert.ok(!bpe.merges.some(([a, b]) => a === 98 && b === 32));
    assert.equal(bpe.vocab, 258);
  });

  it("round-trips any text and stops early when nothing is left to merge", () => {
    const text = "In the beginning God created the heaven and the earth.\n  Tabs\tand ÿ Latin-1, 1611!";
    const bpe = trainBpe(text, 400);
    assert.equal(decodeBpe(bpe, encodeBpe(bpe, text)), text);
    assert.ok(encodeBpe(bpe, text).length < text.length);
    const tiny = trainBpe("ab", 300);
    assert.equal(tiny.vocab, 257);
    assert.throws(() => trainBpe("ab", 100), /BPE vocabulary must be an integer in 256..65536, got 100/);
  });

  it("on the King James Bible, a 1024-token vocabulary learned on the training chunks compresses the held-out chunks", { skip: !existsSync(KJV_BIBLE_PATH) && "bible-kjv-text not installed" }, () => {
    const text = readKjvBible().slice(0, 200_000);
    const splits = bpeSplits(text, 1024);
    const bytes = byteLevelSplits(text);
    assert.equal(splits.vocab, 1024);
    assert.ok(splits.train.every((id) => id < 1024));
    // Measured: about 2.7 bytes per token.
    assert.ok((splits.bytesPerToken as number) > 2.2, `${splits.bytesPerToken}`);
    assert.ok(Math.abs(splits.validation.length * (splits.bytesPerToken as number) - bytes.validation.length) < 1);
  });
});
