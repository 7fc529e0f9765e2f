import type * as Jax from "@jax-js/jax";
import { installWorkerAdapter } from "./worker-adapter.js";

/** jax-js 0.1.25, pinned (its API still moves); only the jax engine's files touch it. */
export type JaxModule = typeof Jax;
export type Tensor = Jax.Array;

let loading: Promise<JaxModule> | undefined;
let loaded: JaxModule | undefined;

/** Loads jax-js on its wasm backend, with kernels spread over `threads` workers. */
export function loadJax(threads: number): Promise<JaxModule> {
  loading ??= (async () => {
    installWorkerAdapter(threads);
    const jax = await import("@jax-js/jax");
    await jax.init("wasm");
    jax.defaultDevice("wasm");
    loaded = jax;
    return jax;
  })();
  return loading;
}

/** The loaded jax-js; `await loadJax()` first. */
export function jax(): JaxModule {
  if (!loaded) throw new Error("nascent jax engine: call `await loadJax()` before building tensors");
  return loaded;
}
