/** The NB301 surrogate gives the same predictions on onnxruntime-web (the fallback) as on the native build. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Nb301Evaluator } from "../src/evaluate/nb301.js";
import { onnxRuntime, webOnnxRuntime } from "../src/evaluate/onnx-runtime.js";
import { nb301Space, type Nb301Config } from "../src/space/builtin/nb301.js";
import { Rng } from "../src/core/rng.js";

describe("the NB301 surrogate on either ONNX Runtime build", () => {
  it("predicts the same accuracies for 200 random cells, up to float32 rounding", async (t) => {
    const native = await onnxRuntime();
    if (native.backend !== "native" && !process.env.CI) return t.skip("onnxruntime-node is not installed (set up with ONNXRUNTIME_NODE_INSTALL=skip npm ci)");
    assert.equal(native.backend, "native", "CI installs onnxruntime-node (ONNXRUNTIME_NODE_INSTALL=skip npm ci)");
    const rng = Rng.derive("runtimes");
    const configs = Array.from({ length: 200 }, () => nb301Space.sample(rng) as Nb301Config);
    const [a, b] = await Promise.all([Nb301Evaluator.load(), Nb301Evaluator.load(98, false, await webOnnxRuntime())]);
    const [fromNative, fromWasm] = [await a.predict(configs), await b.predict(configs)];
    await Promise.all([a.close(), b.close()]);
    for (let i = 0; i < configs.length; i++) {
      assert.ok(Math.abs(fromNative[i].accuracy - fromWasm[i].accuracy) <= 1e-6, `cell ${i}: ${fromNative[i].accuracy} vs ${fromWasm[i].accuracy}`);
      assert.ok(Math.abs(fromNative[i].runtime_s - fromWasm[i].runtime_s) <= 1e-5 * fromNative[i].runtime_s, `cell ${i} runtime`);
    }
  });
});
