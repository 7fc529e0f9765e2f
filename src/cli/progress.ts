import cliProgress from "cli-progress";
import type { TrialRecord } from "../core/trial.js";

/** A progress bar on stderr (silent when stderr is not a terminal), showing trials and the best value. */
export class SearchProgress {
  private readonly bar: cliProgress.SingleBar;
  private best: number | null = null;

  constructor(
    total: number,
    done: number,
    private readonly direction: "maximize" | "minimize",
  ) {
    this.bar = new cliProgress.SingleBar(
      { format: "{bar} {value}/{total} trials | best {best} | {duration_formatted} elapsed, eta {eta_formatted}", hideCursor: true, stream: process.stderr },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(total, done, { best: "-" });
  }

  update(trial: TrialRecord): void {
    const value = trial.state === "complete" ? trial.values?.[0] : undefined;
    if (value !== undefined && (this.best === null || (this.direction === "maximize" ? value > this.best : value < this.best))) this.best = value;
    this.bar.increment(trial.state === "failed" ? 0 : 1, { best: this.best === null ? "-" : String(+this.best.toPrecision(6)) });
  }

  stop(): void {
    this.bar.stop();
  }
}

/** A second bar for in-process training: the current trial's steps and loss (silent when stderr is not a terminal). */
export class TrainingProgress {
  private bar: cliProgress.SingleBar | undefined;
  private trial = -1;

  update(trial: number, step: number, total: number, loss: number): void {
    if (!process.stderr.isTTY) return;
    if (trial !== this.trial) {
      this.bar?.stop();
      this.trial = trial;
      this.bar = new cliProgress.SingleBar({ format: `trial ${trial} {bar} {value}/{total} steps | loss {loss}`, hideCursor: true, stream: process.stderr, clearOnComplete: true }, cliProgress.Presets.shades_classic);
      this.bar.start(total, 0, { loss: "-" });
    }
    this.bar?.update(step, { loss: loss.toFixed(4) });
  }

  stop(): void {
    this.bar?.stop();
  }
}
