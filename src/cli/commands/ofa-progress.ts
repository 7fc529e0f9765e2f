import cliProgress from "cli-progress";

/** A progress bar per phase on stderr (silent when stderr is not a terminal). */
export class PhaseProgress {
  private bar: cliProgress.SingleBar | undefined;
  private label = "";

  update(label: string, step: number, total: number, extra: string): void {
    if (!process.stderr.isTTY) return;
    if (label !== this.label) {
      this.bar?.stop();
      this.label = label;
      this.bar = new cliProgress.SingleBar({ format: `${label} {bar} {value}/{total} | {extra} | eta {eta_formatted}`, hideCursor: true, stream: process.stderr }, cliProgress.Presets.shades_classic);
      this.bar.start(total, 0, { extra: "" });
    }
    this.bar?.update(step, { extra });
  }

  stop(): void {
    this.bar?.stop();
  }
}
