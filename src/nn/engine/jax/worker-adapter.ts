import { resolveObjectURL } from "node:buffer";

import { Worker as ThreadWorker } from "node:worker_threads";

/**
 * jax-js runs its wasm kernels on a pool of browser-style Workers (sharing one wasm memory) when `Worker`
 * and `navigator.hardwareConcurrency` exist at import time. Node 20 has neither, so this adapter gives it
 * `Worker` over worker_threads: the kernel source arrives as a blob: URL and speaks self.onmessage/postMessage.
 */
const WORKER_PRELUDE = `const { parentPort } = require("node:worker_threads");
globalThis.self = globalThis;
globalThis.postMessage = (message) => parentPort.postMessage(message);
parentPort.on("message", (data) => { if (typeof self.onmessage === "function") self.onmessage({ data }); });
`;

interface MessageLike {
  data: unknown;
}

class BrowserStyleWorker {
  onmessage: ((event: MessageLike) => void) | null = null;
  onerror: ((error: Error) => void) | null = null;
  private thread: ThreadWorker | undefined;
  private queued: unknown[] = [];
  /** Messages awaiting their answer: each jax-js request gets exactly one reply. */
  private pending = 0;

  constructor(url: string | URL) {
    const blob = resolveObjectURL(String(url));
    if (!blob) throw new Error(`nascent engine: no worker source at ${String(url)}`);
    void blob.text().then((source) => {
      const thread = new ThreadWorker(WORKER_PRELUDE + source, { eval: true });
      thread.on("message", (data: unknown) => {
        // Idle kernel threads must not keep a finished process alive; busy ones must (a pending read awaits them).
        if (--this.pending === 0) thread.unref();
        this.onmessage?.({ data });
      });
      thread.on("error", (error: Error) => this.onerror?.(error));
      this.thread = thread;
      if (this.pending === 0) thread.unref();
      for (const message of this.queued) thread.postMessage(message);
      this.queued = [];
    });
  }

  postMessage(message: unknown): void {
    if (this.pending++ === 0) this.thread?.ref();
    if (this.thread) this.thread.postMessage(message);
    else this.queued.push(message);
  }

  terminate(): void {
    void this.thread?.terminate();
  }
}

/** Installs the globals jax-js looks for; `threads` = 1 leaves them out, so kernels run on the calling thread. */
export function installWorkerAdapter(threads: number): void {
  if (threads <= 1) return;
  const global = globalThis as Record<string, unknown>;
  global.Worker ??= BrowserStyleWorker;
  if (typeof global.navigator === "undefined") global.navigator = { hardwareConcurrency: threads };
}


