/**
 * A trained mobilenet network, exported to ONNX and run by onnxruntime-web (wasm) in headless Chromium,
 * predicts the same class as nascent's engine on Fashion-MNIST test images. Trains the config briefly
 * (`--train` images, 1 epoch) unless `--checkpoint` gives trained weights.
 *   node dist/bench/onnx-browser-agreement.js [--images 100] [--train 3000] [--config JSON]
 */
import { engine, forward, loadEngine, toJaxTensors } from "../src/nn/engine/jax/direct.js";
import { parseArgs } from "node:util";
import { exportOnnx, weightsOf } from "../src/export/onnx/export.js";
import { ChromiumWasmDevice } from "../src/evaluate/devices/chromium-wasm.js";
import { buildNetwork } from "../src/nn/builders/index.js";
import { loadFashionMnist } from "../src/nn/data/fashion-mnist.js";
import { resizeDataset, subset } from "../src/nn/data/dataset.js";
import { trainNetwork } from "../src/nn/trainer.js";
import { Rng } from "../src/core/rng.js";

const { values } = parseArgs({
  options: {
    images: { type: "string", default: "100" },
    train: { type: "string", default: "3000" },
    config: { type: "string", default: '{"resolution":1,"stages":[{"kernel":3,"expand":3,"depth":2,"width":1},{"kernel":5,"expand":4,"depth":2,"width":1},{"kernel":3,"expand":6,"depth":2,"width":1},{"kernel":3,"expand":3,"depth":2,"width":1}]}' },
  },
});
await loadEngine();
const np = engine().numpy;
const count = Number(values.images);
const splits = loadFashionMnist({ trainLimit: Number(values.train) });
const { network, input } = buildNetwork("mobilenet", JSON.parse(values.config!), { shape: splits.train.shape, classes: 10 });
const data = input[0] === splits.train.shape[0] ? splits : { train: resizeDataset(splits.train, input[0], input[1]), validation: resizeDataset(splits.validation, input[0], input[1]), test: resizeDataset(splits.test, input[0], input[1]) };
const trained = await trainNetwork(network, { ...data, test: subset(data.test, Array.from({ length: count }, (_, i) => i)) }, { epochs: 1, rng: Rng.derive("onnx browser agreement"), optimizer: "adam" });
const test = subset(data.test, Array.from({ length: count }, (_, i) => i));
const x = test.images;
const { y } = forward(network, toJaxTensors(trained.params), toJaxTensors(trained.state), np.array(x).reshape([count, ...input]), { training: false });
const engineLogits = (await y.data()) as Float32Array;
const device = new ChromiumWasmDevice();
const { id, page } = await device.load(exportOnnx(network, input, await weightsOf(trained.params, trained.state)), [count, ...input] as number[]);
type Api = { nascent: { logits(id: string, data: number[], shape: number[]): Promise<number[]> } };
const browserLogits = await page.evaluate(([i, d, s]) => (globalThis as unknown as Api).nascent.logits(i, d, [...s]), [id, Array.from(x), [count, ...input]] as const);
await device.close();
const argmax = (logits: ArrayLike<number>, row: number) => {
  let best = 0;
  for (let k = 1; k < 10; k++) if (logits[row * 10 + k] > logits[row * 10 + best]) best = k;
  return best;
};
let same = 0;
let correct = 0;
let gap = 0;
for (let r = 0; r < count; r++) {
  if (argmax(engineLogits, r) === argmax(browserLogits, r)) same++;
  if (argmax(engineLogits, r) === test.labels[r]) correct++;
  for (let k = 0; k < 10; k++) gap = Math.max(gap, Math.abs(engineLogits[r * 10 + k] - browserLogits[r * 10 + k]));
}
console.log(JSON.stringify({ images: count, sameClass: same, engineTestAccuracy: correct / count, maxLogitGap: gap, trainedImages: Number(values.train) }));
