import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import type { Space } from "../space/space.js";
import { NascentError } from "../core/errors.js";
import type { EvaluationContext, Evaluator, MetricInfo, Metrics } from "./evaluator.js";

/**
 * The trial protocol: any program, in any language, trains a candidate. nascent runs it once per trial
 * (through the shell) with
 *   NASCENT_CONFIG  the config as JSON
 *   NASCENT_TRIAL   the trial number
 *   NASCENT_SEED    a seed for the trial's own randomness
 * and reads JSON lines from its stdout:
 *   {"nascent": "report", "step": S, "value": V}   an intermediate value (e.g. validation accuracy at epoch S)
 *   {"nascent": "result", "value": V, "metrics": {"params": N, ...}}   the final value (metrics optional)
 * Other output is passed through to stderr. When the pruner stops a trial, or it runs past the timeout,
 * nascent terminates the program's process group (SIGTERM, then SIGKILL after a grace period).
 */
export interface CommandEvaluatorOptions {
  /** Seconds before a trial is killed and failed. */
  trialTimeout?: number;
  /** The last step programs report (epochs), for multi-fidelity pruners. */
  maxStep?: number;
  /** Seconds between SIGTERM and SIGKILL. */
  killGrace?: number;
  cwd?: string;
}

const STDERR_TAIL = 2000;

interface ProtocolLine {
  nascent: "report" | "result";
  step?: number;
  value?: number;
  metrics?: Record<string, number>;
}

export class CommandEvaluator implements Evaluator {
  readonly metrics: readonly MetricInfo[] = [{ name: "value", direction: "maximize", description: "the value the command reports as its result" }];
  readonly maxStep: number | undefined;

  constructor(
    readonly command: string,
    private readonly options: CommandEvaluatorOptions = {},
  ) {
    if (!command.trim()) throw new NascentError("--command is empty");
    this.maxStep = options.maxStep;
  }

  get name(): string {
    return `command:${this.command}`;
  }

  checkSpace(space: Space<unknown>): void {
    void space; // any JSON config can be handed to a program
  }

  evaluate(config: unknown, context: EvaluationContext): Promise<Metrics> {
    return new Promise<Metrics>((resolve, reject) => {
      const child = spawn(this.command, {
        shell: true,
        cwd: this.options.cwd,
        detached: process.platform !== "win32",
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...process.env, NASCENT_CONFIG: JSON.stringify(config), NASCENT_TRIAL: String(context.trialNumber), NASCENT_SEED: String(context.rng.int(0, 2 ** 31 - 1)) },
      });
      let stderrTail = "";
      let result: Metrics | undefined;
      let stopReason: "pruned" | "timeout" | "interrupted" | undefined;
      let protocolError: string | undefined;
      let killTimer: NodeJS.Timeout | undefined;
      let queue = Promise.resolve();

      const terminate = (reason: "pruned" | "timeout" | "interrupted") => {
        if (stopReason || child.exitCode !== null) return;
        stopReason = reason;
        signalGroup("SIGTERM");
        killTimer = setTimeout(() => signalGroup("SIGKILL"), (this.options.killGrace ?? 5) * 1000);
      };
      const signalGroup = (signal: NodeJS.Signals) => {
        try {
          if (child.pid !== undefined && process.platform !== "win32") process.kill(-child.pid, signal);
          else child.kill(signal);
        } catch {
          // already gone
        }
      };
      const timeout = this.options.trialTimeout ? setTimeout(() => terminate("timeout"), this.options.trialTimeout * 1000) : undefined;
      const onAbort = () => terminate("interrupted");
      context.signal.addEventListener("abort", onAbort);

      child.stderr.on("data", (chunk: Buffer) => {
        process.stderr.write(chunk);
        stderrTail = (stderrTail + chunk.toString("utf8")).slice(-STDERR_TAIL);
      });
      createInterface({ input: child.stdout }).on("line", (line) => {
        const message = parseProtocolLine(line);
        if (!message) {
          process.stderr.write(`${line}\n`);
          return;
        }
        if (typeof message === "string") {
          protocolError ??= message;
          return;
        }
        if (message.nascent === "result") {
          result = { value: message.value as number, ...(message.metrics ?? {}) };
          return;
        }
        // Reports are handled in order, and a pruning decision stops the program at once.
        queue = queue.then(async () => {
          if (stopReason) return;
          await context.report(message.step as number, message.value as number);
          if (context.shouldPrune()) terminate("pruned");
        });
      });
      child.on("error", (error) => {
        protocolError ??= `cannot run '${this.command}': ${error.message}`;
      });
      child.on("close", (code, signal) => {
        clearTimeout(timeout);
        clearTimeout(killTimer);
        context.signal.removeEventListener("abort", onAbort);
        void queue.then(() => {
          const tail = stderrTail.trim() ? `\n--- stderr (last lines) ---\n${stderrTail.trim()}` : "";
          if (stopReason === "pruned") return resolve(result ?? {});
          if (stopReason === "timeout") return reject(new Error(`trial ran past --trial-timeout ${this.options.trialTimeout} s and was killed${tail}`));
          if (stopReason === "interrupted") return reject(new Error("interrupted"));
          if (protocolError) return reject(new Error(`${protocolError}${tail}`));
          if (code !== 0) return reject(new Error(`'${this.command}' exited with ${signal ? `signal ${signal}` : `code ${code}`}${tail}`));
          if (!result) return reject(new Error(`'${this.command}' exited without printing a {"nascent": "result", "value": V} line${tail}`));
          resolve(result);
        });
      });
    });
  }
}

/** A protocol message, an error description for a malformed one, or undefined for ordinary output. */
function parseProtocolLine(line: string): ProtocolLine | string | undefined {
  const text = line.trim();
  if (!text.startsWith("{") || !text.includes('"nascent"')) return undefined;
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof message !== "object" || message === null || !("nascent" in message)) return undefined;
  const m = message as Record<string, unknown>;
  if (m.nascent === "report") {
    if (typeof m.step !== "number" || !Number.isFinite(m.step) || typeof m.value !== "number" || !Number.isFinite(m.value)) return `bad report line (needs finite numeric "step" and "value"): ${text}`;
    return { nascent: "report", step: m.step, value: m.value };
  }
  if (m.nascent === "result") {
    if (typeof m.value !== "number" || !Number.isFinite(m.value)) return `bad result line (needs a finite numeric "value"): ${text}`;
    const metrics = typeof m.metrics === "object" && m.metrics !== null ? Object.fromEntries(Object.entries(m.metrics).filter(([, v]) => typeof v === "number" && Number.isFinite(v))) : undefined;
    return { nascent: "result", value: m.value, metrics: metrics as Record<string, number> | undefined };
  }
  return `unknown protocol message '${String(m.nascent)}' (expected "report" or "result"): ${text}`;
}
