// A nascent trial in Node: softmax regression on a hidden layer of random features (a random-feature
// network) over Fashion-MNIST, in plain JavaScript. It shows the protocol with no dependencies:
// read NASCENT_CONFIG, print {"nascent":"report",...} lines, finish with {"nascent":"result",...}.
//
//   nascent search --space examples/protocol/mlp-space.json --command "node examples/protocol/train.mjs" --trials 8
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";

const dir = process.env.NASCENT_FASHION_MNIST_DIR ?? "/usr/share/datasets/fashion-mnist";
const config = JSON.parse(process.env.NASCENT_CONFIG);
const epochs = Number(process.env.EPOCHS ?? 3);
const limit = Number(process.env.TRAIN_LIMIT ?? 4000);

function readIdx(name) {
  const bytes = gunzipSync(readFileSync(`${dir}/${name}`));
  const rank = bytes[3];
  return bytes.subarray(4 + 4 * rank);
}
const pixels = readIdx("train-images-idx3-ubyte.gz");
const labels = readIdx("train-labels-idx1-ubyte.gz");

// A seeded generator (mulberry32), so a trial is reproducible from NASCENT_SEED.
let seed = Number(process.env.NASCENT_SEED ?? 1) >>> 0;
const random = () => {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const hidden = config.hidden;
const projection = Float32Array.from({ length: 784 * hidden }, () => (random() * 2 - 1) / 28);
function features(index) {
  const h = new Float32Array(hidden);
  for (let p = 0; p < 784; p++) {
    const v = pixels[index * 784 + p] / 255;
    if (v === 0) continue;
    for (let j = 0; j < hidden; j++) h[j] += v * projection[p * hidden + j];
  }
  for (let j = 0; j < hidden; j++) h[j] = Math.max(0, h[j]);
  return h;
}
const train = Array.from({ length: limit }, (_, i) => i);
const valid = Array.from({ length: 1000 }, (_, i) => 59000 + i);
const cache = new Map([...train, ...valid].map((i) => [i, features(i)]));
const weights = new Float32Array(hidden * 10);

function logits(h) {
  const z = new Float32Array(10);
  for (let j = 0; j < hidden; j++) for (let k = 0; k < 10; k++) z[k] += h[j] * weights[j * 10 + k];
  return z;
}
let accuracy = 0;
for (let epoch = 1; epoch <= epochs; epoch++) {
  for (const i of train.sort(() => random() - 0.5)) {
    const h = cache.get(i);
    const z = logits(h);
    const max = Math.max(...z);
    const e = z.map((v) => Math.exp(v - max));
    const sum = e.reduce((a, b) => a + b, 0);
    for (let k = 0; k < 10; k++) {
      const g = e[k] / sum - (labels[i] === k ? 1 : 0);
      for (let j = 0; j < hidden; j++) weights[j * 10 + k] -= config.lr * g * h[j];
    }
  }
  accuracy = valid.filter((i) => { const z = logits(cache.get(i)); return z.indexOf(Math.max(...z)) === labels[i]; }).length / valid.length;
  console.log(JSON.stringify({ nascent: "report", step: epoch, value: accuracy }));
}
console.log(JSON.stringify({ nascent: "result", value: accuracy, metrics: { params: 784 * hidden + hidden * 10 } }));
