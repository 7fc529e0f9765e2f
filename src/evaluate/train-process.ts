/**
 * The process one training trial runs in (forked by TrainEvaluator). jax-js's wasm allocator keeps freed
 * buffers in per-size free lists that are never merged or returned, so every new architecture claims new
 * memory and a long search in one process hits the 4 GiB wasm limit; a process per trial starts clean,
 * and a crash in one trial cannot take the search down with it.
 */
import { runTrainJob, type EpochVerdict, type TrainJob, type TrainMessage } from "./train-job.js";

const send = (message: TrainMessage): Promise<void> => new Promise((resolve) => process.send?.(message, () => resolve()));

let pendingVerdict: ((prune: boolean) => void) | null = null;

process.on("message", (message: TrainJob | EpochVerdict) => {
  if ("kind" in message) {
    pendingVerdict?.(message.prune);
    pendingVerdict = null;
    return;
  }
  runTrainJob(message, {
    send: (m) => void send(m),
    epoch: async (epoch, accuracy) => {
      const verdict = new Promise<boolean>((resolve) => (pendingVerdict = resolve));
      await send({ kind: "epoch", epoch, accuracy });
      return verdict;
    },
  })
    .then((metrics) => send({ kind: "done", metrics }))
    .catch((error: unknown) => send({ kind: "error", message: error instanceof Error ? error.message : String(error) }))
    .finally(() => process.disconnect());
});
