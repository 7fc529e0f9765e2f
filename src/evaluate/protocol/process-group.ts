import type { ChildProcess } from "node:child_process";

/**
 * A trial program's process group: the shell nascent starts leads it, and everything the program starts
 * (data loaders, `sleep 1000 &`) joins it unless it deliberately leaves. Ending a trial ends the whole group:
 * SIGTERM at once, SIGKILL after a grace period. Groups still alive when nascent itself exits are killed then.
 */
export class ProcessGroup {
  private killTimer: NodeJS.Timeout | undefined;
  private ending = false;

  constructor(
    private readonly child: ChildProcess,
    private readonly graceSeconds: number,
  ) {
    if (child.pid !== undefined) LIVE.add(child.pid);
  }

  /** SIGTERM to every process of the group now, SIGKILL to whatever is left after the grace period. */
  end(): void {
    if (this.ending) {
      this.signal("SIGTERM");
      return;
    }
    this.ending = true;
    this.signal("SIGTERM");
    this.killTimer = setTimeout(() => {
      this.signal("SIGKILL");
      if (this.child.pid !== undefined) LIVE.delete(this.child.pid);
    }, this.graceSeconds * 1000);
    // Nascent need not stay up for the grace period: the exit hook below kills what is left.
    this.killTimer.unref();
  }

  private signal(signal: NodeJS.Signals): void {
    try {
      if (this.child.pid !== undefined && process.platform !== "win32") process.kill(-this.child.pid, signal);
      else this.child.kill(signal);
    } catch {
      // the group is already gone
    }
  }
}

/** Leaders (= group ids) of groups that may still have members. */
const LIVE = new Set<number>();

process.once("exit", () => {
  if (process.platform === "win32") return;
  for (const pgid of LIVE) {
    try {
      process.kill(-pgid, "SIGKILL");
    } catch {
      // gone
    }
  }
});
