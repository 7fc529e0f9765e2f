import { createHash } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { Space } from "../space/space.js";
import { NascentError } from "../core/errors.js";
import { canonicalJson, type Json } from "../core/json.js";
import type { EvaluationContext, Evaluator, Metrics } from "./evaluator.js";

/**
 * `sleep:MS`: waits MS milliseconds, then scores the config by a hash of its canonical JSON (uniform in
 * [0, 1), the same on every machine). It has the duration of a real trial and none of its work, so it
 * measures what the workers and the storage cost (bench/distributed.ts, the fault tests). Any space.
 */
export function sleepEvaluator(ms: number): Evaluator {
  if (!Number.isFinite(ms) || ms < 0) throw new NascentError(`sleep:${ms}: expected sleep:MS with MS a duration in milliseconds >= 0`);
  return {
    name: `sleep:${ms}`,
    metrics: [{ name: "value", direction: "maximize", description: "a hash of the config in [0, 1), after waiting" }],
    checkSpace(space: Space<unknown>): void {
      void space;
    },
    async evaluate(config: unknown, context: EvaluationContext): Promise<Metrics> {
      await sleep(ms, undefined, { signal: context.signal });
      const digest = createHash("sha256").update(canonicalJson(config as Json)).digest();
      return { value: digest.readUInt32BE(0) / 2 ** 32 };
    },
  };
}
