import { NascentError } from "../core/errors.js";
import type { Json } from "../core/json.js";
import { bestTrial, paretoFront, type ConstraintSpec, type Direction, type ObjectiveSpec } from "../core/objectives.js";
import { Rng } from "../core/rng.js";
import type { TrialOutcome, TrialRecord } from "../core/trial.js";
import type { Evaluator } from "../evaluate/evaluator.js";
import { noPruning, type Pruner } from "../pruner/pruner.js";
import { spaceFromJson } from "../space/from-json.js";
import type { Space } from "../space/space.js";
import { StudyExistsError, type Storage, type StoredStudy, type StudySpec, type WorkerPlan, type ProxyEvaluations } from "../storage/storage.js";
import { randomSearch } from "../strategy/random.js";
import type { Strategy } from "../strategy/strategy.js";
import { TrialNotRunningError, type AskedTrial, type AskOptions } from "./asked.js";
import { DETACHED_LEASE_MS } from "./heartbeat.js";
import { runWorker, type WorkerOptions, type WorkerSummary } from "./distributed.js";
import { optimize, type OptimizeOptions, type StudyControls } from "./optimize.js";
import { outcomeOf, prunedValues, type TellResult } from "./outcome.js";
import { checkSameSearch, studySpec } from "./spec.js";
import { TrialViews } from "./trial-views.js";
import { detachedWorkerId } from "./worker.js";

export type { AskedTrial, AskOptions } from "./asked.js";
export type { TellResult } from "./outcome.js";
export { DEFAULT_MAX_CONSECUTIVE_FAILURES, type OptimizeOptions } from "./optimize.js";
export { DEFAULT_LEASE_MS, DETACHED_LEASE_MS } from "./heartbeat.js";

/** Rebuilds a stored study's strategy from its name and options (a registry lookup); null for a name it does not know. */
export type StrategyFactory = (name: string, options: Record<string, Json>) => Strategy | null;

export interface StudyOptions<C> {
  storage: Storage;
  name: string;
  space: Space<C>;
  /** Default: random search. */
  strategy?: Strategy;
  /** Recorded with the study so a resume can check it continues the same search. */
  strategyOptions?: Record<string, Json>;
  /** Default: one objective, `value`, maximized. */
  objectives?: ObjectiveSpec[];
  constraints?: ConstraintSpec[];
  seed?: number;
  evaluator?: string | null;
  /** Continue the study if it exists (it must be the same search); otherwise an existing name is an error. */
  resume?: boolean;
  pruner?: Pruner;
  /** Recorded with the study (when not empty) so a resume can check it prunes the same way. */
  prunerOptions?: Record<string, Json>;
  /** Recorded for `nascent worker`; a resumed study keeps the plan it was created with. */
  run?: WorkerPlan;
  /** A zero-cost warm start's proxy evaluations (not trials), recorded when the study is created. */
  proxyEvaluations?: ProxyEvaluations;
}

/**
 * A study: one search and its trials. `ask` and `tell` are the primitives; `optimize` is a loop over them
 * (optimize.ts). Any number of studies, processes and machines may share one storage.
 */
export class Study<C> {
  private readonly views: TrialViews<C>;
  private readonly directions: Direction[];

  private constructor(
    readonly storage: Storage,
    private readonly stored: StoredStudy,
    readonly space: Space<C>,
    readonly strategy: Strategy,
    readonly pruner: Pruner,
  ) {
    this.directions = stored.spec.objectives.map((o) => o.direction);
    this.views = new TrialViews(storage, stored.id, this.directions);
  }

  /** Creates the study, or with `resume` continues it after checking it is the same search. */
  static async open<C>(options: StudyOptions<C>): Promise<Study<C>> {
    const strategy = options.strategy ?? randomSearch();
    const spec = studySpec({ ...options, space: options.space as Space<unknown>, strategy: strategy.name, pruner: options.pruner?.name });
    let stored = await options.storage.loadStudy(spec.name);
    if (stored && !options.resume) {
      throw new NascentError(`study '${spec.name}' already exists in ${options.storage.url}; pass --resume to continue it, or choose another --study name`);
    }
    if (!stored) {
      try {
        stored = await options.storage.createStudy(spec);
      } catch (error) {
        // Another worker created it between our look and our insert: join it.
        if (!(error instanceof StudyExistsError) || !options.resume) throw error;
        stored = (await options.storage.loadStudy(spec.name))!;
      }
    }
    checkSameSearch(stored.spec, spec);
    return new Study(options.storage, stored, options.space, strategy, options.pruner ?? noPruning);
  }

  /**
   * Opens an existing study with the space it was created with. With `strategies`, it gets back its
   * strategy and can be asked for trials; without, it is for reading (best, trials, dashboard) and
   * asking it for a proposal says why not.
   */
  static async load(storage: Storage, name: string, options: { strategies?: StrategyFactory } = {}): Promise<Study<unknown>> {
    const stored = await storage.loadStudy(name);
    if (!stored) {
      const names = (await storage.listStudies()).map((s) => s.name);
      throw new NascentError(`no study '${name}' in ${storage.url} (studies: ${names.length ? names.join(", ") : "none"})`);
    }
    const { spec } = stored;
    const strategy = options.strategies?.(spec.strategy.name, spec.strategy.options) ?? unavailableStrategy(spec, options.strategies !== undefined);
    return new Study(storage, stored, spaceFromJson(spec.space), strategy, noPruning);
  }

  get name(): string {
    return this.stored.spec.name;
  }

  get id(): number {
    return this.stored.id;
  }

  get spec(): StudySpec {
    return this.stored.spec;
  }

  /** Every trial, in number order. */
  async trials(): Promise<TrialRecord[]> {
    await this.views.refresh();
    return this.views.all.filter((t) => t !== undefined);
  }

  async trial(number: number): Promise<TrialRecord | null> {
    await this.views.refresh();
    return this.views.record(number);
  }

  /** Trials that count toward the budget: running, complete or pruned. */
  async liveTrialCount(): Promise<number> {
    await this.views.refresh();
    return this.views.liveCount;
  }

  /** The best complete feasible trial of a single-objective study. */
  async bestTrial(): Promise<TrialRecord | null> {
    if (this.directions.length > 1) throw new NascentError(`study '${this.name}' has ${this.directions.length} objectives: use paretoFront()`);
    return bestTrial(await this.trials(), this.directions[0]);
  }

  /** The non-dominated complete feasible trials. */
  async paretoFront(): Promise<TrialRecord[]> {
    return paretoFront(await this.trials(), this.directions);
  }

  /** Trials changed since `cursor` (all when 0) and the cursor to pass next time: for live views. */
  async changesSince(cursor: number): Promise<{ trials: TrialRecord[]; cursor: number }> {
    return this.storage.trialChanges(this.stored.id, cursor);
  }

  /** The stream of trial `number`: depends only on the study seed and the number. */
  trialRng(number: number): Rng {
    return Rng.derive("trial", this.spec.seed, number);
  }

  /**
   * Proposes the next trial's config (from the strategy, which sees every finished trial) and creates the
   * trial; null once `limit` is reached. If another worker takes the number first, the proposal is made
   * again for the next one.
   */
  async ask(options: AskOptions<C> = {}): Promise<AskedTrial<C> | null> {
    return this.askWithin(options, async (number) => number - 1);
  }

  private async askWithin(options: AskOptions<C>, historyUpTo: (number: number) => Promise<number>): Promise<AskedTrial<C> | null> {
    const worker = options.worker ?? detachedWorkerId();
    const leaseMs = options.leaseMs ?? DETACHED_LEASE_MS;
    const given = options.config === undefined ? undefined : this.space.validate(options.config);
    for (;;) {
      const number = await this.storage.nextTrialNumber(this.stored.id);
      const visibleUpTo = await historyUpTo(number);
      await this.views.refresh();
      if (options.limit !== undefined && this.views.liveCount >= options.limit) return null;
      const rng = this.trialRng(number);
      const proposal = given !== undefined
        ? { config: given, note: { enqueued: true } }
        : await this.strategy.propose({ space: this.space, trialNumber: number, rng, ...this.views.forProposal(visibleUpTo), seen: this.views.seen, directions: this.directions });
      const config = this.space.validate(proposal.config);
      const key = this.space.key(config);
      const created = await this.storage.createTrial(this.stored.id, {
        number, config: config as Json, key, note: proposal.note ?? null, worker, leaseMs, limit: options.limit,
      });
      if (created === "full") return null;
      if (created === "created") return { number, config, key, rng };
    }
  }

  /**
   * Records a finished trial. A non-finite objective value or a missing metric fails the trial with a
   * reason instead of storing a value no comparison can use; the returned record says which happened.
   * Throws TrialNotRunningError (and changes nothing) if the trial was told already or its lease ran out.
   */
  async tell(number: number, result: TellResult): Promise<TrialRecord> {
    return this.finish(number, outcomeOf(this.spec, result));
  }

  async tellFailure(number: number, error: string): Promise<TrialRecord> {
    return this.finish(number, { state: "failed", error });
  }

  async prune(number: number): Promise<TrialRecord> {
    return this.finish(number, { state: "pruned", values: prunedValues(await this.trial(number), this.directions.length), error: null });
  }

  async report(number: number, step: number, value: number): Promise<void> {
    if (!Number.isFinite(step) || !Number.isFinite(value)) throw new NascentError(`trial ${number}: intermediate report needs finite step and value, got (${step}, ${value})`);
    await this.storage.reportIntermediate(this.stored.id, number, { step, value });
  }

  /** Asks the study's pruner whether trial `number` should stop, given its reports so far. */
  async shouldPrune(number: number): Promise<boolean> {
    if (this.pruner === noPruning) return false;
    const trial = await this.trial(number);
    // Trial numbers are dense, so this is the list of all trials.
    return trial ? this.pruner.shouldPrune(trial, this.views.all, this.directions[0]) : false;
  }

  async setTrialAttr(number: number, key: string, value: Json): Promise<void> {
    await this.storage.setTrialAttr(this.stored.id, number, key, value);
  }

  /** The one way a trial is finished, by `tell`, `tellFailure`, `prune` and `optimize` alike. */
  private async finish(number: number, outcome: TrialOutcome): Promise<TrialRecord> {
    const trial = await this.trial(number);
    if (!trial) throw new NascentError(`study '${this.name}' has no trial ${number}`);
    const notRunning = (t: TrialRecord) =>
      new TrialNotRunningError(`trial ${number} is already ${t.state}${t.error ? ` (${t.error})` : ""}; it cannot be told again`);
    if (trial.state !== "running") throw notRunning(trial);
    if (!(await this.storage.finishTrial(this.stored.id, number, outcome))) throw notRunning((await this.trial(number))!);
    return (await this.trial(number))!;
  }

  /** Checks before a run that the evaluator takes this space and measures every objective and constraint metric. */
  checkEvaluator(evaluator: Evaluator<C>): void {
    evaluator.checkSpace(this.space as Space<unknown>);
    const known = evaluator.metrics.map((m) => m.name);
    for (const name of [...this.spec.objectives.map((o) => o.metric), ...this.spec.constraints.map((c) => c.metric)]) {
      if (!known.includes(name)) throw new NascentError(`benchmark '${evaluator.name}' has no metric '${name}' (metrics: ${known.join(", ")})`);
    }
  }

  /** Runs trials with `evaluator` until the budget, the time limit or the signal stops it (see optimize.ts). */
  async optimize(evaluator: Evaluator<C>, options: OptimizeOptions = {}): Promise<void> {
    return optimize(this, this.controls(), evaluator, options);
  }

  /** Joins the study as one of many workers sharing its storage, until it holds its budget (see distributed.ts). */
  async work(evaluator: Evaluator<C>, options: WorkerOptions): Promise<WorkerSummary> {
    this.checkEvaluator(evaluator);
    return runWorker(this, this.controls(), evaluator, options);
  }

  private controls(): StudyControls<C> {
    return { askWithin: (o, upTo) => this.askWithin(o, upTo), finish: (n, o) => this.finish(n, o) };
  }
}

/** The strategy of a study opened for reading: asking it for a proposal says how to continue instead. */
function unavailableStrategy(spec: StudySpec, looked: boolean): Strategy {
  const why = looked ? "which nascent does not know by name" : "and it was opened for reading only";
  return {
    name: spec.strategy.name,
    propose() {
      throw new NascentError(`study '${spec.name}' was created with strategy '${spec.strategy.name}', ${why}; continue it through the API with that strategy`);
    },
  };
}
