import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { describe, it } from "node:test";
import { resolveArchitecture, type LlmConfig } from "../src/space/builtin/llm-architecture.js";
import { totalParams } from "../src/cost/llm/params.js";
import { TrainTextEvaluator, causalLmShapeOf } from "../src/evaluate/train-text.js";
import { causalLmParamShapes } from "../src/nn/causal-lm.js";
import { KJV_BIBLE_PATH, readKjvBible } from "../src/nn/data/kjv-bible.js";
import { Rng } from "../src/core/rng.js";

const installed = existsSync(KJV_BIBLE_PATH);
const tiny: LlmConfig = { layers: 1, dModel: 32, heads: 2, kvHeads: 2, ffn: "gelu", ffnMult: 4, vocab: 256, context: 64, tiedEmbeddings: false, norm: "layernorm", bias: "all", positions: "learned", tokens: 65_536 };

describe("Tiny GPTs on the King James Bible", () => {
  it("the trained network has exactly the parameters the analytic count gives (tied and untied, GQA)", () => {
    for (const config of [tiny, { ...tiny, tiedEmbeddings: true, layers: 3, dModel: 48, heads: 4, kvHeads: 2 }]) {
      const a = resolveArchitecture(config);
      const built = causalLmParamShapes(causalLmShapeOf(a)).reduce((n, [, dims]) => n + dims.reduce((x, y) => x * y, 1), 0);
      assert.equal(built, totalParams(a));
    }
  });

  it("train:text refuses shapes it cannot build, naming the field", () => {
    assert.throws(() => causalLmShapeOf(resolveArchitecture({ ...tiny, ffn: "swiglu" })), /ffn: train:text builds GPT-2 style models and needs ffn = "gelu"/);
    assert.throws(() => causalLmShapeOf(resolveArchitecture({ ...tiny, vocab: 100 })), /vocab: train:text needs a vocabulary of 256 \(bytes\) to 65536 \(byte-level BPE\), got 100/);
    assert.equal(causalLmShapeOf(resolveArchitecture({ ...tiny, vocab: 1024 })).vocab, 1024);
  });

  it("reads the whole text from bible-kjv-text: 4,404,475 bytes from Genesis 1:1 to Revelation 22:21", { skip: !installed && `${KJV_BIBLE_PATH} not installed (apt-get install bible-kjv-text)` }, () => {
    const text = readKjvBible();
    assert.equal(text.length, 4_404_475);
    assert.ok(text.includes("Ge1:1 In the beginning God created the heaven and the earth.\n"));
    assert.ok(text.endsWith("Rev22:21 The grace of our Lord Jesus Christ be with you all. Amen.\n"));
  });

  it("64 steps take a one-layer model below the unigram entropy of the text (3.15 nats/byte), reporting every 16K tokens", { skip: !installed && "bible-kjv-text not installed" }, async () => {
    const evaluator = new TrainTextEvaluator({ batch: 16, learningRate: 1e-2, evalTokens: 16_384, evalWindows: 32 });
    const reports: [number, number][] = [];
    const metrics = await evaluator.evaluate(tiny, {
      trialNumber: 0,
      rng: Rng.derive("train-text-test"),
      report: async (step, value) => void reports.push([step, value]),
      shouldPrune: () => false,
      signal: new AbortController().signal,
    });
    assert.deepEqual(reports.map(([step]) => step), [1, 2, 3, 4]);
    assert.ok(metrics.loss < 3.15 && metrics.loss < reports[0][1], JSON.stringify(reports));
    assert.equal(metrics.tokens, 65_536);
  });
});
