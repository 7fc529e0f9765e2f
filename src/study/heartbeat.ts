import type { TrialHeartbeat } from "../storage/storage.js";
import { isDeadLocalWorker } from "./worker.js";

export const DEFAULT_LEASE_MS = 60_000;
/** A trial handed out by `ask` without a heartbeat keeps its lease this long unless the caller gives one. */
export const DETACHED_LEASE_MS = 24 * 3600_000;

/**
 * Keeps a worker's trials alive while it runs them: renews their leases every quarter lease, and fails the
 * trials of workers that died meanwhile, so no trial stays `running` for a worker that is gone.
 */
export class LeaseKeeper {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly heartbeat: TrialHeartbeat,
    private readonly studyId: number,
    readonly worker: string,
    readonly leaseMs = DEFAULT_LEASE_MS,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => {
      void this.heartbeat.heartbeat(this.studyId, this.worker, this.leaseMs).catch(() => undefined);
      void this.failStale().catch(() => undefined);
    }, this.leaseMs / 4);
    this.timer.unref();
  }

  /** Fails trials whose lease expired or whose local worker process is gone; their numbers. */
  failStale(): Promise<number[]> {
    return this.heartbeat.failStaleTrials(this.studyId, isDeadLocalWorker);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
