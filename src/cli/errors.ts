import { CommanderError } from "commander";
import { ConfigError, NascentError, TrialsKeepFailing, formatIssue } from "../core/errors.js";

/**
 * How the command line ends. Every error is one line on stderr, `nascent: error: WHAT (WHERE)`, and the exit
 * code says whose fault it was:
 *   0  done (also --help and --version)
 *   1  the run itself failed (trials kept failing) or nascent has a bug ("internal error")
 *   2  bad input: a flag, a file, a space, a value, a port or folder that cannot be used
 *   130  interrupted (Ctrl-C)
 */
export const EXIT = { ok: 0, failed: 1, badInput: 2, interrupted: 130 } as const;

/** Operating-system errors that come from what the user named (a path, a port), not from a bug in nascent. */
const USER_SYSTEM_ERRORS: Record<string, string> = {
  ENOENT: "no such file or folder",
  ENOTDIR: "a part of the path is not a folder",
  EISDIR: "is a folder",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EEXIST: "already exists",
  EROFS: "read-only file system",
  EADDRINUSE: "address already in use (choose another --port)",
  EADDRNOTAVAIL: "address not available (check --host)",
  ENOTFOUND: "host not found",
  ECONNREFUSED: "connection refused (is the server running?)",
  SQLITE_NOTADB: "not an SQLite database",
  // PostgreSQL SQLSTATEs that name the user's URL: no such database, role or password.
  "3D000": "no such database on the server",
  "28000": "the server refused this role",
  "28P01": "the server refused the password",
};

interface SystemError extends Error {
  code?: string;
  path?: string;
  address?: string;
  port?: number;
}

/** The single error line: `nascent: error: ...`, never more than one line. */
export function errorLine(message: string): string {
  const first = message.trim().split("\n")[0].replace(/^error:\s*/, "");
  return `nascent: error: ${first}\n`;
}

/** A user-caused OS error in words: "cannot open /x/y.html: no such file or folder". */
function describeSystemError(error: SystemError): string | undefined {
  const reason = error.code ? USER_SYSTEM_ERRORS[error.code] : undefined;
  if (!reason) return undefined;
  const where = error.path ?? (error.port !== undefined ? `${error.address ?? ""}:${error.port}` : undefined);
  return where ? `${where}: ${reason}` : `${reason} (${error.message})`;
}

/**
 * Prints `error` as one line and returns the exit code. `commanderPrinted` says commander has already written
 * its own message for this error (parse errors); errors thrown by commander's helpers inside an action
 * (InvalidArgumentError) have not been printed yet.
 */
export function reportError(error: unknown, commanderPrinted: boolean): number {
  if (error instanceof CommanderError) {
    if (error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.code === "commander.help") return EXIT.ok;
    if (!commanderPrinted) process.stderr.write(errorLine(error.message));
    return EXIT.badInput;
  }
  if (error instanceof TrialsKeepFailing) {
    process.stderr.write(`nascent: error: ${error.message.trimEnd()}\n`);
    return EXIT.failed;
  }
  if (error instanceof ConfigError) {
    // Every issue, one line each, so one run shows everything to fix.
    for (const issue of error.issues) process.stderr.write(errorLine(formatIssue(issue)));
    return EXIT.badInput;
  }
  if (error instanceof NascentError) {
    process.stderr.write(errorLine(error.message));
    return EXIT.badInput;
  }
  const system = error instanceof Error ? describeSystemError(error as SystemError) : undefined;
  // Node's own range checks on values the user gave (a --port outside 0..65535).
  if (!system && error instanceof RangeError && /port/i.test(error.message)) {
    process.stderr.write(errorLine(error.message));
    return EXIT.badInput;
  }
  if (system) {
    process.stderr.write(errorLine(system));
    return EXIT.badInput;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(errorLine(`internal error: ${message}`));
  process.stderr.write("(a bug in nascent: please report it; NASCENT_DEBUG=1 prints the stack trace)\n");
  if (process.env.NASCENT_DEBUG) console.error(error);
  return EXIT.failed;
}

/**
 * A closed pipe downstream (`nascent trials --json | head -c 100`) is the reader's choice, not an error:
 * stop writing and exit quietly, as Unix tools do.
 */
export function exitQuietlyOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
      throw error;
    });
  }
}
