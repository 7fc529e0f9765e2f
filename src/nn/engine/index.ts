import type * as Jax from "@jax-js/jax";
import { defaultThreads, installWorkerAdapter } from "./worker-adapter.js";

/**
 * The one place nascent touches the tensor engine (jax-js 0.1.25, pinned: its API still moves). Everything
 * in nn/ reaches jax-js through `engine()`, so the engine can be swapped or tuned here.
 */
export type JaxModule = typeof Jax;
export type Tensor = Jax.Array;

let loading: Promise<JaxModule> | undefined;
let loaded: JaxModule | undefined;

/** Loads jax-js on its wasm backend, with kernels spread over NASCENT_THREADS (default: all cores). */
export function loadEngine(): Promise<JaxModule> {
  loading ??= (async () => {
    installWorkerAdapter(defaultThreads());
    const jax = await import("@jax-js/jax");
    await jax.init("wasm");
    jax.defaultDevice("wasm");
    loaded = jax;
    return jax;
  })();
  return loading;
}

/** The loaded engine; `await loadEngine()` first. */
export function engine(): JaxModule {
  if (!loaded) throw new Error("nascent engine: call `await loadEngine()` before building tensors");
  return loaded;
}
