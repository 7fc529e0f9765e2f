import { parentPort } from "node:worker_threads";
import { runOnce, type RunTask } from "./sample-efficiency.js";

/** A benchmark worker thread: runs the searches it is sent, one at a time. */
parentPort!.on("message", async (task: RunTask) => {
  try {
    parentPort!.postMessage({ ok: true, result: await runOnce(task) });
  } catch (error) {
    parentPort!.postMessage({ ok: false, error: error instanceof Error ? error.message : String(error) });
  }
});
