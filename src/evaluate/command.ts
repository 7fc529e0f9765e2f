import { spawn } from "node:child_process";
import type { Space } from "../space/space.js";
import { NascentError } from "../core/errors.js";
import type { EvaluationContext, Evaluator, MetricInfo, Metrics } from "./evaluator.js";
import { LineSplitter } from "./protocol/lines.js";
import { parseProtocolLine } from "./protocol/messages.js";
import { ProcessGroup } from "./protocol/process-group.js";

/**
 * The trial protocol: any program, in any language, trains a candidate. nascent runs it once per trial
 * (through the shell) with
 *   NASCENT_CONFIG  the config as JSON
 *   NASCENT_TRIAL   the trial number
 *   NASCENT_SEED    a seed for the trial's own randomness
 * and reads JSON lines from its stdout:
 *   {"nascent": "report", "step": S, "value": V}   an intermediate value (e.g. validation accuracy at epoch S)
 *   {"nascent": "result", "value": V, "metrics": {"params": N, ...}}   the final value (metrics optional)
 * Other output is passed through to stderr (lines longer than 1 MiB in pieces, unparsed). Values must be
 * finite numbers: NaN or Infinity fails the trial with a message naming it. Whenever a trial ends (result,
 * failure, prune, timeout, nascent being stopped), nascent ends the program's whole process group: SIGTERM,
 * then SIGKILL after a grace period, so nothing the program started in the background outlives its trial.
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
      const group = new ProcessGroup(child, this.options.killGrace ?? 5);
      let stderrTail = "";
      let result: Metrics | undefined;
      let stopReason: "pruned" | "timeout" | "interrupted" | undefined;
      let protocolError: string | undefined;
      let queue = Promise.resolve();

      const terminate = (reason: "pruned" | "timeout" | "interrupted") => {
        if (stopReason) return;
        stopReason = reason;
        group.end();
      };
      const timeout = this.options.trialTimeout ? setTimeout(() => terminate("timeout"), this.options.trialTimeout * 1000) : undefined;
      const onAbort = () => terminate("interrupted");
      context.signal.addEventListener("abort", onAbort);

      child.stderr.on("data", (chunk: Buffer) => {
        process.stderr.write(chunk);
        stderrTail = (stderrTail + chunk.toString("utf8")).slice(-STDERR_TAIL);
      });
      const lines = new LineSplitter(
        (line) => {
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
            result = { value: message.value, ...(message.metrics ?? {}) };
            return;
          }
          // Reports are handled in order, and a pruning decision stops the program at once.
          queue = queue.then(async () => {
            if (stopReason) return;
            await context.report(message.step, message.value);
            if (context.shouldPrune()) terminate("pruned");
          });
        },
        (text) => process.stderr.write(text),
      );
      child.stdout.on("data", (chunk: Buffer) => lines.push(chunk));
      child.stdout.on("end", () => lines.end());
      child.on("error", (error) => {
        protocolError ??= `cannot run '${this.command}': ${error.message}`;
      });
      // The program is done when its leader exits, whatever it left running: end the rest of its group, so
      // no orphan keeps stdout open (the trial would hang) or keeps running after its trial.
      child.on("exit", () => group.end());
      child.on("close", (code, signal) => {
        clearTimeout(timeout);
        context.signal.removeEventListener("abort", onAbort);
        group.end();
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
