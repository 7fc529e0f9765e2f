import { availableParallelism } from "node:os";
import { NascentError } from "../../core/errors.js";
import type { Engine, EngineName } from "./engine.js";
import { jaxEngine } from "./jax/engine.js";
import { loadJax } from "./jax/load.js";
import { BUILD_COMMAND, loadTorchAddon } from "./torch/binding.js";
import { torchEngine } from "./torch/engine.js";

export * from "./engine.js";

/** NASCENT_ENGINE as given; a value other than torch or jax is an error, not a silent default. */
function requestedEngine(): EngineName | undefined {
  const value = process.env.NASCENT_ENGINE;
  if (value === undefined || value === "") return undefined;
  if (value !== "torch" && value !== "jax") throw new NascentError(`NASCENT_ENGINE must be torch or jax, got '${value}'`);
  return value;
}

/** NASCENT_THREADS as given; anything but a whole number from 1 to 1024 is an error. */
function requestedThreads(): number | undefined {
  const value = process.env.NASCENT_THREADS;
  if (value === undefined || value === "") return undefined;
  const threads = Number(value);
  if (!Number.isInteger(threads) || threads < 1 || threads > 1024) throw new NascentError(`NASCENT_THREADS must be a whole number of threads from 1 to 1024, got '${value}'`);
  return threads;
}

/** Intra-op threads: NASCENT_THREADS, else every core. */
export const defaultThreads = (): number => requestedThreads() ?? availableParallelism();

/**
 * Checks NASCENT_ENGINE and NASCENT_THREADS before any work starts, so a typo or an engine that cannot load
 * stops a command at once (bad input) instead of failing every trial. Errors: NascentError naming the variable.
 */
export function checkEngineEnvironment(): void {
  requestedThreads();
  if (requestedEngine() === "torch") {
    const torch = loadTorchAddon();
    if (!("addon" in torch)) throw new NascentError(`NASCENT_ENGINE=torch, but the torch engine is not available: ${torch.reason}; fix: ${BUILD_COMMAND}, or use NASCENT_ENGINE=jax`);
  }
}

export interface EngineStatus {
  /** The engine `loadEngine()` gives: NASCENT_ENGINE, else torch when its addon loads, else jax. */
  active: EngineName;
  torch: { available: true; version: string; parallelInfo: string } | { available: false; reason: string; fix: string };
}

/** Which engines this process can run, without loading jax-js. */
export function engineStatus(): EngineStatus {
  const torch = loadTorchAddon();
  const active: EngineName = requestedEngine() ?? ("addon" in torch ? "torch" : "jax");
  return {
    active,
    torch: "addon" in torch ? { available: true, version: torch.addon.version, parallelInfo: torch.addon.parallelInfo } : { available: false, reason: torch.reason, fix: BUILD_COMMAND },
  };
}

const loaded = new Map<EngineName, Promise<Engine>>();

/**
 * The tensor engine: `torch` (libtorch through the native addon) or `jax` (jax-js on wasm). Without an
 * argument: NASCENT_ENGINE, else torch when its addon loads, else jax. Asking for torch where it cannot
 * load is an error that says why and how to fix it.
 */
export function loadEngine(name?: EngineName): Promise<Engine> {
  const chosen: EngineName = name ?? requestedEngine() ?? engineStatus().active;
  let engine = loaded.get(chosen);
  if (!engine) {
    engine =
      chosen === "torch"
        ? (async () => {
            const torch = loadTorchAddon();
            if (!("addon" in torch)) throw new NascentError(`the torch engine is not available: ${torch.reason}; fix: ${BUILD_COMMAND}, or use NASCENT_ENGINE=jax`);
            return torchEngine(torch.addon, defaultThreads());
          })()
        : loadJax(defaultThreads()).then(() => jaxEngine(defaultThreads()));
    loaded.set(chosen, engine);
  }
  return engine;
}

/** The engines that load here (for tests that run on every engine). */
export function availableEngines(): EngineName[] {
  return "addon" in loadTorchAddon() ? ["torch", "jax"] : ["jax"];
}
