import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** A fresh temporary directory for one test's files. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "nascent-test-"));
}

export const CLI = fileURLToPath(new URL("../src/cli/main.js", import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  seconds: number;
}

/** Runs the nascent command line in a child process. */
export function runCli(args: readonly string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): CliResult {
  const started = Date.now();
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024, env: options.env, timeout: options.timeoutMs ?? 600_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, seconds: (Date.now() - started) / 1000 };
}

/** The last line of a command's stdout, parsed (what `--json` prints). */
export function lastJsonLine<T>(stdout: string): T {
  return JSON.parse(stdout.trim().split("\n").at(-1) as string) as T;
}

/**
 * Test options for a test that needs something from the system (a Debian package, a data set): skipped with
 * the reason where it is missing on a developer's machine, but run in CI (CI=true), where `requirePresent`
 * then fails it: CI must install everything the tests use.
 */
export function needs(present: boolean, what: string): { skip: string | false } {
  return { skip: present || process.env.CI ? false : `needs ${what}` };
}

/** Fails the test when `present` is false (only reached in CI, see `needs`). */
export function requirePresent(present: boolean, what: string): void {
  if (!present) throw new Error(`CI needs ${what}: .ci/run must install it`);
}
