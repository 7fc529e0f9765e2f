import cliProgress from "cli-progress";
import type { Space } from "../../space/space.js";
import { zeroCostPrior, type ZeroCostPrior } from "../../study/zero-cost-prior.js";

/**
 * `--zero-cost-warm-start PROXY`: scores the pool with a progress bar on stderr, then says on one stderr
 * line how many proxy evaluations it took (with zc:vote's reference pool) and how long (they are not
 * trials and not benchmark queries).
 */
export async function zeroCostPriorWithProgress<C>(space: Space<C>, proxy: string, pool: number, seed: number): Promise<ZeroCostPrior> {
  const bar = process.stderr.isTTY
    ? new cliProgress.SingleBar({ format: `zc:${proxy} {bar} {value}/{total} pool configs | {duration_formatted} elapsed, eta {eta_formatted}`, hideCursor: true, stream: process.stderr, clearOnComplete: true }, cliProgress.Presets.shades_classic)
    : undefined;
  bar?.start(pool, 0);
  try {
    const prior = await zeroCostPrior(space, proxy, { pool, seed, onProgress: (done) => bar?.update(done) });
    bar?.stop();
    const reference = prior.referenceEvaluations ? ` and its reference pool of ${prior.referenceEvaluations} configs` : "";
    process.stderr.write(`nascent: zero-cost warm start: ${prior.evaluations} zc:${proxy} evaluations${reference} in ${prior.seconds.toFixed(1)} s (not trials)\n`);
    if (prior.unscored.count > 0) process.stderr.write(`nascent: warning: zc:${proxy} could not score ${prior.unscored.count} of the ${prior.evaluations} pool configs; they are left out of the warm start (first: ${prior.unscored.firstError})\n`);
    return prior;
  } finally {
    bar?.stop();
  }
}
