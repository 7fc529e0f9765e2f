import { setTimeout as sleep } from "node:timers/promises";
import { NascentError } from "../core/errors.js";

/** SQLSTATEs worth another try: the transaction was rolled back whole, or the connection went away. */
const TRANSIENT_STATES = new Set([
  "40001", // serialization_failure
  "40P01", // deadlock_detected
  "57P01", // admin_shutdown (server stopped or restarted)
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now (server starting up)
  "53300", // too_many_connections
]);

const TRANSIENT_ERRNOS = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ENETDOWN", "EAI_AGAIN"]);

/** True for failures after which the same call may simply be made again. */
export function isTransient(error: unknown): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === "string" && (TRANSIENT_STATES.has(code) || code.startsWith("08") || TRANSIENT_ERRNOS.has(code))) return true;
  return typeof message === "string" && /Connection terminated|connection timeout|Query read timeout|Client has encountered a connection error|the database system is (starting|shutting) up/i.test(message);
}

export interface RetryPolicy {
  /** Give up after this long without a success (ms). */
  deadlineMs: number;
  firstDelayMs: number;
  maxDelayMs: number;
  /** Told once per call when failures have lasted `warnAfterMs`, so a long wait is never silent. */
  warn?: (message: string) => void;
  warnAfterMs?: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  deadlineMs: 120_000,
  firstDelayMs: 50,
  maxDelayMs: 2_000,
  warnAfterMs: 2_000,
  warn: (message) => process.stderr.write(`nascent: ${message}\n`),
};

/**
 * Runs `operation` until it succeeds, retrying transient failures with exponential backoff. The operation
 * must be safe to repeat after a commit whose answer was lost (the storage's calls carry tokens for that).
 * `attempt` counts from 0. Errors that are not transient are thrown at once.
 */
export async function withRetry<T>(what: string, policy: RetryPolicy, operation: (attempt: number) => Promise<T>): Promise<T> {
  const started = Date.now();
  let delay = policy.firstDelayMs;
  let warned = false;
  for (let attempt = 0; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (!isTransient(error)) throw error;
      if (Date.now() - started + delay > policy.deadlineMs) {
        throw new NascentError(`PostgreSQL ${what}: still failing after ${((Date.now() - started) / 1000).toFixed(0)} s of retries: ${(error as Error).message}`);
      }
      if (!warned && policy.warn && Date.now() - started >= (policy.warnAfterMs ?? 0)) {
        warned = true;
        policy.warn(`PostgreSQL ${what}: ${(error as Error).message}; retrying for up to ${Math.round(policy.deadlineMs / 1000)} s (Ctrl-C to stop)`);
      }
      await sleep(delay);
      delay = Math.min(policy.maxDelayMs, delay * 2);
    }
  }
}
