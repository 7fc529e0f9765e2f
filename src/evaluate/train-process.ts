/**
 * The process one training trial runs in (forked by TrainEvaluator). A crash in one trial cannot take the
 * search down with it; and on the jax engine, whose wasm allocator keeps freed buffers in per-size free
 * lists that are never returned, every new architecture would otherwise claim new memory until a long
 * search hits the 4 GiB wasm limit.
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
