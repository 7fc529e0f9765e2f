import { isFeasible, signed, type Direction } from "../core/objectives.js";
import type { TrialRecord } from "../core/trial.js";
import type { Storage } from "../storage/storage.js";
import type { TrialView } from "../strategy/strategy.js";

/** What a proposal may see: finished trials up to a number, and the rest. */
export interface ProposalHistory<C> {
  history: readonly TrialView<C>[];
  pending: readonly TrialView<C>[];
}

/**
 * A study's trials as this process knows them, kept current by reading only what changed in storage,
 * and the read-only views strategies see. Proposal histories are kept incrementally, so asking for the
 * next trial costs the same at trial 100,000 as at trial 1,000 (`bench/ask-cost.ts`).
 */
export class TrialViews<C> {
  /** Trials by number (numbers are dense: the storage hands them out in order). */
  private readonly records: TrialRecord[] = [];
  private readonly views: (TrialView<C> | undefined)[] = [];
  /** Keys of every trial known: a trial's config never changes, so this only grows. */
  readonly seen = new Set<string>();
  private live = 0;
  private cursor = 0;
  /** Views of the finished trials numbered up to `placedUpTo`, in number order: the last history given. */
  private readonly placed: TrialView<C>[] = [];
  private placedUpTo = -1;
  /** Numbers not in `placed`: running trials, and finished ones beyond `placedUpTo`. */
  private readonly unplaced = new Set<number>();

  constructor(
    private readonly storage: Storage,
    private readonly studyId: number,
    private readonly directions: readonly Direction[],
  ) {}

  /** Reads what changed in storage since the last refresh. */
  async refresh(): Promise<void> {
    const changes = await this.storage.trialChanges(this.studyId, this.cursor);
    for (const trial of changes.trials) {
      const previous = this.records[trial.number];
      if (previous && previous.state !== "failed") this.live--;
      if (trial.state !== "failed") this.live++;
      this.records[trial.number] = trial;
      this.seen.add(trial.key);
      this.views[trial.number] = undefined;
      if (!previous) this.unplaced.add(trial.number);
      else if (!this.unplaced.has(trial.number)) this.placed[this.indexOf(trial.number)] = this.view(trial.number);
    }
    this.cursor = changes.cursor;
  }

  /** Trials that count toward the budget: running, complete or pruned. */
  get liveCount(): number {
    return this.live;
  }

  /** Every trial by number; the array is this object's own (read it, do not keep it). */
  get all(): readonly TrialRecord[] {
    return this.records;
  }

  record(number: number): TrialRecord | null {
    return this.records[number] ?? null;
  }

  /**
   * The history a proposal sees: finished trials numbered up to `visibleUpTo`, and every other trial as
   * pending, both in number order. The arrays are valid during the proposal only.
   */
  forProposal(visibleUpTo: number): ProposalHistory<C> {
    if (visibleUpTo < this.placedUpTo) this.unplaceAll();
    for (const number of [...this.unplaced]) {
      if (number > visibleUpTo || this.records[number].state === "running") continue;
      this.unplaced.delete(number);
      this.placed.splice(this.insertionPoint(number), 0, this.view(number));
    }
    this.placedUpTo = visibleUpTo;
    const pending = [...this.unplaced].sort((a, b) => a - b).map((n) => this.view(n));
    return { history: this.placed, pending };
  }

  private unplaceAll(): void {
    for (const view of this.placed) this.unplaced.add(view.number);
    this.placed.length = 0;
    this.placedUpTo = -1;
  }

  /** Where `number` is (or would go) in `placed`: trials usually finish in order, so check the end first. */
  private insertionPoint(number: number): number {
    const n = this.placed.length;
    if (n === 0 || this.placed[n - 1].number < number) return n;
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.placed[mid].number < number) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private indexOf(number: number): number {
    return this.insertionPoint(number);
  }

  private view(number: number): TrialView<C> {
    let view = this.views[number];
    if (!view) {
      const trial = this.records[number];
      const feasible = isFeasible(trial);
      const usable = trial.state === "complete" && trial.values !== null && feasible;
      view = {
        number: trial.number,
        config: trial.config as C,
        key: trial.key,
        state: trial.state,
        values: trial.values,
        fitness: usable ? signed(trial.values![0], this.directions[0]) : -Infinity,
        feasible,
        violation: (trial.violations ?? []).reduce((sum, v) => sum + Math.max(0, v), 0),
        intermediate: trial.intermediate,
        note: trial.note,
      };
      this.views[number] = view;
    }
    return view;
  }
}
