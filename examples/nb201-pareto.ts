/**
 * Two objectives and a hard constraint on NAS-Bench-201: maximise CIFAR-10 accuracy, minimise Pixel 3
 * latency, with at most 0.5M parameters. Prints the Pareto front.
 *
 *   npm run build && node dist/examples/nb201-pareto.js
 */
import { MemoryStorage, Study, nb201Benchmark, nb201Space, randomSearch } from "../src/index.js";

const study = await Study.open({
  storage: new MemoryStorage(),
  name: "accuracy-vs-latency",
  space: nb201Space,
  strategy: randomSearch(),
  objectives: [
    { metric: "accuracy", direction: "maximize" },
    { metric: "hwnb_pixel3_lat_ms", direction: "minimize" },
  ],
  constraints: [{ metric: "params", op: "<=", bound: 0.5 }],
  seed: 1,
});
await study.optimize(nb201Benchmark("cifar10"), { trials: 500 });
const front = (await study.paretoFront()).sort((a, b) => a.values![1] - b.values![1]);
console.log("accuracy  pixel3 ms  params M  cell");
for (const t of front) console.log(`${t.values![0].toFixed(2).padStart(8)}  ${t.values![1].toFixed(2).padStart(9)}  ${t.metrics!.params.toFixed(3).padStart(8)}  ${t.key}`);
