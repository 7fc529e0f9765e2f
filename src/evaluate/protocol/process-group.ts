import { spawn, type ChildProcess } from "node:child_process";

/**
 * A trial program's process group: the shell nascent starts leads it, and everything the program starts
 * (data loaders, `sleep 1000 &`) joins it unless it deliberately leaves. Ending a trial ends the whole group:
 * SIGTERM at once, SIGKILL after a grace period. Groups still alive when nascent itself exits are killed then;
 * when nascent is killed outright (SIGKILL, the OOM killer), no exit hook runs, so a sentinel outside the group
 * ends it: see `watch`.
 */
export class ProcessGroup {
  private killTimer: NodeJS.Timeout | undefined;
  private ending = false;

  constructor(
    private readonly child: ChildProcess,
    private readonly graceSeconds: number,
  ) {
    if (child.pid !== undefined) {
      LIVE.add(child.pid);
      if (process.platform !== "win32") watch(child.pid, graceSeconds);
    }
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

/**
 * A POSIX shell, in its own group and detached from nascent, that polls once a second: when the trial's group
 * is gone it exits; when nascent is gone it ends the group (SIGTERM, SIGKILL after the grace period). Linux's
 * PR_SET_PDEATHSIG would do this without polling but is not reachable from Node, and it fires on the death of
 * the spawning thread, not of the process.
 */
const SENTINEL = `while kill -0 "$1" 2>/dev/null; do kill -0 -"$2" 2>/dev/null || exit 0; sleep 1; done
kill -TERM -"$2" 2>/dev/null || exit 0
sleep "$3"; kill -KILL -"$2" 2>/dev/null; exit 0`;

function watch(pgid: number, graceSeconds: number): void {
  try {
    const sentinel = spawn("/bin/sh", ["-c", SENTINEL, "nascent-sentinel", String(process.pid), String(pgid), String(Math.max(0, Math.ceil(graceSeconds)))], { detached: true, stdio: "ignore" });
    sentinel.on("error", () => undefined);
    sentinel.unref();
  } catch {
    // no /bin/sh: the exit hook below still covers every ending but SIGKILL
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
