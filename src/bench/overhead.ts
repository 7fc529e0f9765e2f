import { nb201Benchmark } from "../evaluate/nb201.js";
import { nb201Space } from "../space/builtin/nb201.js";
import { MemoryStorage } from "../storage/memory.js";
import { resolveStrategy } from "../strategy/registry.js";
import { Study } from "../study/study.js";
import { Rng } from "../core/rng.js";
import { quantile } from "./sample-efficiency.js";

/** Asks not timed first, on both sides, so compilation and caches settle (JIT here, imports in Python). */
export const WARMUP_ASKS = 5;

/** Median seconds per `ask()` of `strategy` once the study holds `completed` complete NB201 trials. */
export async function askSeconds(strategy: string, dataset: string, completed: number, asks: number): Promise<number> {
  const benchmark = nb201Benchmark(dataset);
  const study = await Study.open({ storage: new MemoryStorage(), name: "overhead", space: nb201Space, strategy: resolveStrategy(strategy), objectives: [{ metric: "accuracy", direction: "maximize" }], seed: 1 });
  const rng = Rng.derive("overhead", completed);
  for (let i = 0; i < completed; i++) {
    const trial = (await study.ask({ config: nb201Space.sample(rng) }))!;
    await study.tell(trial.number, benchmark.lookup(trial.config));
  }
  const seconds: number[] = [];
  for (let i = 0; i < WARMUP_ASKS + asks; i++) {
    const started = performance.now();
    const trial = (await study.ask())!;
    if (i >= WARMUP_ASKS) seconds.push((performance.now() - started) / 1000);
    await study.tell(trial.number, benchmark.lookup(trial.config));
  }
  return quantile(seconds.sort((a, b) => a - b), 0.5);
}
