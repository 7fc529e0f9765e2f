import { randomUUID } from "node:crypto";
import { hostname } from "node:os";

/** A worker name that says where it runs: `host:pid:nonce`, so a dead local process can be recognised. */
export function processWorkerId(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

/** A worker with no process behind it (a trial handed out by `nascent ask`): only its lease can expire. */
export function detachedWorkerId(): string {
  return `${hostname()}:detached:${randomUUID().slice(0, 8)}`;
}

/** True for the worker of a trial handed out by `ask` and not run by any process of nascent's. */
export function isDetachedWorker(worker: string | null): boolean {
  return worker !== null && worker.split(":")[1] === "detached";
}

/** True when `worker` names a process on this machine that no longer exists. */
export function isDeadLocalWorker(worker: string): boolean {
  const [host, pid] = worker.split(":");
  if (host !== hostname() || !/^\d+$/.test(pid ?? "")) return false;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}
