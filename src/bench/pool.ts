import { Worker } from "node:worker_threads";
import type { RunResult, RunTask } from "./sample-efficiency.js";

/** Runs tasks on `size` worker threads, each taking the next task when it finishes one. */
export async function runInWorkers(tasks: readonly RunTask[], size: number, onDone?: (result: RunResult, done: number) => void): Promise<RunResult[]> {
  const results: RunResult[] = new Array(tasks.length);
  let next = 0;
  let done = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(size, tasks.length)) }, () => new Worker(new URL("./worker.js", import.meta.url)));
  try {
    await Promise.all(
      workers.map(async (worker) => {
        while (next < tasks.length) {
          const index = next++;
          const reply = await new Promise<{ ok: boolean; result?: RunResult; error?: string }>((resolve, reject) => {
            const onError = (error: Error) => reject(error);
            worker.once("error", onError);
            worker.once("message", (message: { ok: boolean; result?: RunResult; error?: string }) => {
              worker.off("error", onError);
              resolve(message);
            });
            worker.postMessage(tasks[index]);
          });
          if (!reply.ok) throw new Error(`${tasks[index].strategy} seed ${tasks[index].seed}: ${reply.error}`);
          results[index] = reply.result!;
          onDone?.(reply.result!, ++done);
        }
      }),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results;
}
