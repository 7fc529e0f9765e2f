import { nb201Benchmark } from "../evaluate/nb201.js";
import { nb201Space } from "../space/builtin/nb201.js";
import { MemoryStorage } from "../storage/memory.js";
import { resolveStrategy } from "../strategy/registry.js";
import { Study } from "../study/study.js";
import { Rng } from "../core/rng.js";
import { quantile } from "./sample-efficiency.js";

/**
 * Untimed asks on a separate study before the timed ones, so V8 has compiled the strategy's hot loops: with
 * 5 warm-up asks reruns spread 0.9-1.3 ms for TPE at 1000 trials, with 200 they agree. They run on their own
 * study so the measured one holds exactly `completed` trials.
 */
export const WARMUP_ASKS = 200;

/** Median seconds per `ask()` of `strategy` once the study holds `completed` complete NB201 trials. */
export async function askSeconds(strategy: string, dataset: string, completed: number, asks: number): Promise<number> {
  const benchmark = nb201Benchmark(dataset);
  const warmUp = await Study.open({ storage: new MemoryStorage(), name: "warm-up", space: nb201Space, strategy: resolveStrategy(strategy), objectives: [{ metric: "accuracy", direction: "maximize" }], seed: 2 });
  for (let i = 0; i < WARMUP_ASKS; i++) {
    const trial = (await warmUp.ask())!;
    await warmUp.tell(trial.number, benchmark.lookup(trial.config));
  }
  const study = await Study.open({ storage: new MemoryStorage(), name: "overhead", space: nb201Space, strategy: resolveStrategy(strategy), objectives: [{ metric: "accuracy", direction: "maximize" }], seed: 1 });
  const rng = Rng.derive("overhead", completed);
  for (let i = 0; i < completed; i++) {
    const trial = (await study.ask({ config: nb201Space.sample(rng) }))!;
    await study.tell(trial.number, benchmark.lookup(trial.config));
  }
  const seconds: number[] = [];
  for (let i = 0; i < asks; i++) {
    const started = performance.now();
    const trial = (await study.ask())!;
    seconds.push((performance.now() - started) / 1000);
    await study.tell(trial.number, benchmark.lookup(trial.config));
  }
  return quantile(seconds.sort((a, b) => a - b), 0.5);
}
