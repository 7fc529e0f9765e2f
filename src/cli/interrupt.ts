/**
 * SIGINT/SIGTERM as a run's abort signal: the first says `message` and aborts (the run finishes its record),
 * a second exits at once with 130. `release()` removes the handlers.
 */
export function interruptOnSignals(message: string): { signal: AbortSignal; release(): void } {
  const controller = new AbortController();
  const interrupt = () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write(`\n${message}\n`);
    controller.abort();
  };
  process.on("SIGINT", interrupt).on("SIGTERM", interrupt);
  return { signal: controller.signal, release: () => void process.off("SIGINT", interrupt).off("SIGTERM", interrupt) };
}
