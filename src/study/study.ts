import type { Direction, Evaluator, Metrics } from "../evaluate/evaluator.js";
import { spaceFromJson } from "../space/from-json.js";
import type { Space } from "../space/space.js";
import type { ConstraintSpec, ObjectiveSpec, Storage, StoredStudy, StudySpec, TrialOutcome, TrialRecord, WorkerPlan } from "../storage/storage.js";
import { StudyExistsError } from "../storage/storage.js";
import { randomSearch } from "../strategy/random.js";
import { STRATEGY_NAMES, resolveStrategy } from "../strategy/registry.js";
import { SearchExhausted, type Proposal, type Strategy, type TrialView } from "../strategy/strategy.js";
import { NascentError, TrialsKeepFailing } from "../util/errors.js";
import { canonicalJson, type Json } from "../util/json.js";
import { Rng } from "../util/rng.js";
import { bestTrial, constraintViolations, isFeasible, paretoFront, signed } from "./objectives.js";
import { noPruning, type Pruner } from "./pruner.js";
import { detachedWorkerId, isDeadLocalWorker, processWorkerId } from "./worker.js";

export interface StudyOptions<C> {
  storage: Storage;
  name: string;
  space: Space<C>;
  /** Default: random search. */
  strategy?: Strategy;
  /** Recorded with the study so a resume can check it continues the same search. */
  strategyOptions?: Record<string, number>;
  /** Default: one objective, `value`, maximized. */
  objectives?: ObjectiveSpec[];
  constraints?: ConstraintSpec[];
  seed?: number;
  evaluator?: string | null;
  /** Continue the study if it exists (it must be the same search); otherwise an existing name is an error. */
  resume?: boolean;
  pruner?: Pruner;
  /** Recorded for `nascent worker`; a resumed study keeps the plan it was created with. */
  run?: WorkerPlan;
}

export interface AskedTrial<C> {
  number: number;
  config: C;
  key: string;
  /** The trial's own random stream, for anything random in its evaluation. */
  rng: Rng;
}

export interface AskOptions<C> {
  /** Evaluate this config instead of asking the strategy (as Optuna's enqueue_trial). */
  config?: C;
  worker?: string;
  leaseMs?: number;
  /** Reserve only while the study holds fewer than this many non-failed trials. */
  limit?: number;
}

/** A result as told: one value, one value per objective, or the evaluator's named metrics. */
export type TellResult = number | readonly number[] | Metrics;

export interface OptimizeOptions {
  /** Trials to run in this call. */
  trials?: number;
  /** Run until the study holds this many non-failed trials (what `nascent search --trials` means). */
  totalTrials?: number;
  /** Trials evaluated at once. The strategy proposing trial n sees trials up to n - concurrency, so seeds still replay exactly. */
  concurrency?: number;
  /** Seconds after which no new trial starts. */
  timeout?: number;
  signal?: AbortSignal;
  onTrialFinished?: (trial: TrialRecord) => void;
  /**
   * Stop with an error after this many trials in a row failed (default 10): failed trials do not count
   * toward the budget, so an evaluator that always fails would otherwise run forever.
   */
  maxConsecutiveFailures?: number;
}

export const DEFAULT_MAX_CONSECUTIVE_FAILURES = 10;

export const DEFAULT_LEASE_MS = 60_000;
/** A trial handed out by `ask` without a heartbeat keeps its lease this long. */
export const DETACHED_LEASE_MS = 24 * 3600_000;

/**
 * A study: one search, its trials, and the loop that runs it. `ask` and `tell` are the primitives;
 * `optimize` is a loop over them with an evaluator, concurrency, leases and a time limit.
 */
export class Study<C> {
  /** Trials by number (numbers are dense: the storage hands them out in order). */
  private readonly cache: TrialRecord[] = [];
  private readonly views = new Map<number, TrialView<C>>();
  /** Keys of every trial in the cache: a trial's config never changes, so this only grows. */
  private readonly seenKeys = new Set<string>();
  private liveCount = 0;
  private cursor = 0;
  private readonly directions: Direction[];

  private constructor(
    readonly storage: Storage,
    private readonly stored: StoredStudy,
    readonly space: Space<C>,
    readonly strategy: Strategy,
    readonly pruner: Pruner,
  ) {
    this.directions = stored.spec.objectives.map((o) => o.direction);
  }

  static async open<C>(options: StudyOptions<C>): Promise<Study<C>> {
    const strategy = options.strategy ?? randomSearch();
    const spec: StudySpec = {
      name: options.name,
      space: options.space.toJson(),
      objectives: options.objectives ?? [{ metric: "value", direction: "maximize" }],
      constraints: options.constraints ?? [],
      seed: options.seed ?? 0,
      strategy: { name: strategy.name, options: options.strategyOptions ?? {} },
      evaluator: options.evaluator ?? null,
      pruner: options.pruner?.name ?? "none",
      ...(options.run ? { run: options.run } : {}),
    };
    if (!spec.name) throw new NascentError("a study needs a name");
    if (spec.objectives.length === 0) throw new NascentError("a study needs at least one objective");
    if (!Number.isSafeInteger(spec.seed)) throw new NascentError(`the seed must be an integer, got ${spec.seed}`);
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

  /** Opens an existing study with the space and strategy it was created with (for reading and resuming). */
  static async load(storage: Storage, name: string): Promise<Study<unknown>> {
    const stored = await storage.loadStudy(name);
    if (!stored) {
      const names = (await storage.listStudies()).map((s) => s.name);
      throw new NascentError(`no study '${name}' in ${storage.url} (studies: ${names.length ? names.join(", ") : "none"})`);
    }
    return new Study(storage, stored, spaceFromJson(stored.spec.space), strategyOf(stored.spec), noPruning);
  }

  get name(): string {
    return this.stored.spec.name;
  }

  get spec(): StudySpec {
    return this.stored.spec;
  }

  /** Every trial, in number order. */
  async trials(): Promise<TrialRecord[]> {
    await this.refresh();
    return this.cache.filter((t) => t !== undefined);
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

  private async refresh(): Promise<void> {
    const changes = await this.storage.trialChanges(this.stored.id, this.cursor);
    for (const trial of changes.trials) {
      const previous = this.cache[trial.number];
      if (previous && previous.state !== "failed") this.liveCount--;
      if (trial.state !== "failed") this.liveCount++;
      this.cache[trial.number] = trial;
      this.seenKeys.add(trial.key);
      this.views.delete(trial.number);
    }
    this.cursor = changes.cursor;
  }

  private view(trial: TrialRecord): TrialView<C> {
    let view = this.views.get(trial.number);
    if (!view) {
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
      this.views.set(trial.number, view);
    }
    return view;
  }

  /** The stream of trial `number`: depends only on the study seed and the number. */
  trialRng(number: number): Rng {
    return Rng.derive("trial", this.spec.seed, number);
  }

  /**
   * Proposes the next trial's config and creates the trial; null once `limit` is reached. `historyUpTo`,
   * when given, hides trials numbered above it from the strategy (how `optimize` keeps concurrency
   * reproducible). If another worker takes the number first, the proposal is made again for the next one.
   */
  async ask(options: AskOptions<C> = {}, historyUpTo?: (number: number) => Promise<number>): Promise<AskedTrial<C> | null> {
    const worker = options.worker ?? detachedWorkerId();
    const leaseMs = options.leaseMs ?? DETACHED_LEASE_MS;
    const given = options.config === undefined ? undefined : this.space.validate(options.config);
    for (;;) {
      const number = await this.storage.nextTrialNumber(this.stored.id);
      const visibleUpTo = historyUpTo ? await historyUpTo(number) : number - 1;
      await this.refresh();
      if (options.limit !== undefined && this.liveCount >= options.limit) return null;
      const rng = this.trialRng(number);
      const proposal = given !== undefined ? { config: given, note: { enqueued: true } } : await this.propose(number, rng, visibleUpTo);
      const config = this.space.validate(proposal.config);
      const key = this.space.key(config);
      const created = await this.storage.createTrial(this.stored.id, {
        number, config: config as Json, key, note: proposal.note ?? null, worker, leaseMs, limit: options.limit,
      });
      if (created === "full") return null;
      if (created === "created") return { number, config, key, rng };
    }
  }

  private async propose(number: number, rng: Rng, visibleUpTo: number): Promise<Proposal<C>> {
    const history: TrialView<C>[] = [];
    const pending: TrialView<C>[] = [];
    for (const trial of this.cache) {
      if (trial === undefined) continue;
      const view = this.view(trial);
      if (trial.state !== "running" && trial.number <= visibleUpTo) history.push(view);
      else pending.push(view);
    }
    return this.strategy.propose({ space: this.space, trialNumber: number, rng, history, pending, seen: this.seenKeys, directions: this.directions });
  }

  /**
   * Records a finished trial. A non-finite objective value or a missing metric fails the trial with a
   * reason instead of storing a value no comparison can use; the returned record says which happened.
   */
  async tell(number: number, result: TellResult): Promise<TrialRecord> {
    const outcome = this.outcomeOf(result);
    await this.finish(number, outcome);
    return (await this.trial(number))!;
  }

  async tellFailure(number: number, error: string): Promise<TrialRecord> {
    await this.finish(number, { state: "failed", error });
    return (await this.trial(number))!;
  }

  async prune(number: number): Promise<TrialRecord> {
    const trial = await this.trial(number);
    await this.finish(number, { state: "pruned", values: this.prunedValues(trial), error: null });
    return (await this.trial(number))!;
  }

  /** A pruned trial keeps its last report as its value in a single-objective study (as Optuna), none otherwise. */
  private prunedValues(trial: TrialRecord | null): number[] | null {
    const last = trial?.intermediate.at(-1);
    return last && this.directions.length === 1 ? [last.value] : null;
  }

  async report(number: number, step: number, value: number): Promise<void> {
    if (!Number.isFinite(step) || !Number.isFinite(value)) throw new NascentError(`trial ${number}: intermediate report needs finite step and value, got (${step}, ${value})`);
    await this.storage.reportIntermediate(this.stored.id, number, { step, value });
  }

  /** Asks the study's pruner whether trial `number` should stop, given its reports so far. */
  async shouldPrune(number: number): Promise<boolean> {
    if (this.pruner === noPruning) return false;
    await this.refresh();
    const trial = this.cache[number];
    // The cache is dense (trial numbers are handed out in order), so it is the list of all trials.
    return trial ? this.pruner.shouldPrune(trial, this.cache, this.directions[0]) : false;
  }

  async trial(number: number): Promise<TrialRecord | null> {
    await this.refresh();
    return this.cache[number] ?? null;
  }

  async setTrialAttr(number: number, key: string, value: Json): Promise<void> {
    await this.storage.setTrialAttr(this.stored.id, number, key, value);
  }

  private async finish(number: number, outcome: TrialOutcome): Promise<void> {
    const trial = await this.trial(number);
    if (!trial) throw new NascentError(`study '${this.name}' has no trial ${number}`);
    if (trial.state !== "running") throw new NascentError(`trial ${number} is already ${trial.state}; it cannot be told again`);
    if (!(await this.storage.finishTrial(this.stored.id, number, outcome))) {
      throw new NascentError(`trial ${number} was finished by someone else (its lease may have expired)`);
    }
  }

  private outcomeOf(result: TellResult): TrialOutcome {
    const { objectives, constraints } = this.spec;
    let metrics: Metrics;
    if (typeof result === "number") metrics = { [objectives[0].metric]: result };
    else if (Array.isArray(result)) metrics = Object.fromEntries(objectives.map((o, i) => [o.metric, (result as number[])[i]]));
    else metrics = result as Metrics;
    if (Array.isArray(result) && result.length !== objectives.length) {
      return { state: "failed", error: `told ${result.length} values for ${objectives.length} objectives` };
    }
    for (const name of [...objectives.map((o) => o.metric), ...constraints.map((c) => c.metric)]) {
      if (!(name in metrics)) return { state: "failed", error: `no value for metric '${name}' (got: ${Object.keys(metrics).join(", ") || "none"})` };
      if (typeof metrics[name] !== "number" || !Number.isFinite(metrics[name])) {
        return { state: "failed", error: `metric '${name}' is ${metrics[name]}, not a finite number`, metrics: finiteOnly(metrics) };
      }
    }
    return {
      state: "complete",
      values: objectives.map((o) => metrics[o.metric]),
      metrics: finiteOnly(metrics),
      violations: constraints.length ? constraintViolations(constraints, metrics) : null,
    };
  }

  /** Checks before a run that the evaluator measures every objective and constraint metric. */
  private checkEvaluator(evaluator: Evaluator): void {
    evaluator.checkSpace(this.space as Space<unknown>);
    const known = evaluator.metrics.map((m) => m.name);
    for (const name of [...this.spec.objectives.map((o) => o.metric), ...this.spec.constraints.map((c) => c.metric)]) {
      if (!known.includes(name)) throw new NascentError(`benchmark '${evaluator.name}' has no metric '${name}' (metrics: ${known.join(", ")})`);
    }
  }

  /** Runs trials with `evaluator` until the budget, the time limit or the signal stops it. */
  async optimize(evaluator: Evaluator, options: OptimizeOptions = {}): Promise<void> {
    this.checkEvaluator(evaluator);
    const concurrency = options.concurrency ?? 1;
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new NascentError(`concurrency must be a positive integer, got ${concurrency}`);
    const worker = processWorkerId();
    const deadline = options.timeout === undefined ? Infinity : Date.now() + options.timeout * 1000;
    await this.storage.failStaleTrials(this.stored.id, isDeadLocalWorker);
    await this.refresh();
    const limit = options.totalTrials ?? (options.trials === undefined ? undefined : this.liveCount + options.trials);
    if (limit === undefined) throw new NascentError("optimize needs trials or totalTrials");

    const inFlight = new Map<number, Promise<void>>();
    const historyUpTo = async (number: number): Promise<number> => {
      const visible = number - concurrency;
      await Promise.all([...inFlight].filter(([n]) => n <= visible).map(([, done]) => done));
      return visible;
    };
    let askQueue: Promise<unknown> = Promise.resolve();
    const askInTurn = (): Promise<AskedTrial<C> | null> => {
      const asked = askQueue.then(() => this.ask({ worker, leaseMs: DEFAULT_LEASE_MS, limit }, historyUpTo));
      askQueue = asked.catch(() => undefined);
      return asked;
    };
    const maxFailures = options.maxConsecutiveFailures ?? DEFAULT_MAX_CONSECUTIVE_FAILURES;
    if (!Number.isInteger(maxFailures) || maxFailures < 1) throw new NascentError(`maxConsecutiveFailures must be a positive integer, got ${maxFailures}`);
    let consecutiveFailures = 0;
    let failing: TrialsKeepFailing | null = null;
    let stopped = false;
    // Renew our leases, and fail the trials of workers that died meanwhile, so none stays running.
    const heartbeat = setInterval(() => {
      void this.storage.heartbeat(this.stored.id, worker, DEFAULT_LEASE_MS).catch(() => undefined);
      void this.storage.failStaleTrials(this.stored.id, isDeadLocalWorker).catch(() => undefined);
    }, DEFAULT_LEASE_MS / 4);
    heartbeat.unref();

    const slot = async (): Promise<void> => {
      while (!stopped && Date.now() < deadline && !options.signal?.aborted) {
        let asked: AskedTrial<C> | null;
        try {
          asked = await askInTurn();
        } catch (error) {
          stopped = true;
          if (error instanceof SearchExhausted) return;
          throw error;
        }
        if (!asked) {
          // The budget looks spent, but a dead worker's trial may hold a place in it: fail those and retry.
          if ((await this.storage.failStaleTrials(this.stored.id, isDeadLocalWorker)).length > 0) continue;
          return;
        }
        const done = this.runTrial(asked, evaluator, options);
        inFlight.set(asked.number, done.then(() => undefined));
        const finished = await done;
        inFlight.delete(asked.number);
        if (finished.state !== "failed") consecutiveFailures = 0;
        else if (++consecutiveFailures >= maxFailures && !options.signal?.aborted) {
          stopped = true;
          failing ??= new TrialsKeepFailing(`stopped after ${consecutiveFailures} trials in a row failed; the last (trial ${asked.number}) failed with: ${finished.error ?? "no message"}`);
        }
      }
    };
    try {
      await Promise.all(Array.from({ length: concurrency }, slot));
    } finally {
      clearInterval(heartbeat);
    }
    if (failing) throw failing;
  }

  /** Evaluates one asked trial and records its outcome (the body of `optimize`, and of distributed workers). */
  async runTrial(asked: AskedTrial<C>, evaluator: Evaluator, options: OptimizeOptions): Promise<TrialOutcome> {
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    options.signal?.addEventListener("abort", onAbort);
    let pruneRequested = false;
    let outcome: TrialOutcome;
    try {
      const metrics = await evaluator.evaluate(asked.config, {
        trialNumber: asked.number,
        rng: asked.rng,
        signal: controller.signal,
        report: async (step, value) => {
          await this.report(asked.number, step, value);
          pruneRequested ||= await this.shouldPrune(asked.number);
        },
        shouldPrune: () => pruneRequested,
      });
      outcome = pruneRequested ? { state: "pruned", values: null } : this.outcomeOf(metrics);
    } catch (error) {
      const message = options.signal?.aborted ? "interrupted before it finished" : error instanceof Error ? error.message : String(error);
      // Keep the whole message: a trial command's failure carries the tail of its stderr.
      outcome = pruneRequested ? { state: "pruned" } : { state: "failed", error: message.slice(0, 4000) };
    } finally {
      options.signal?.removeEventListener("abort", onAbort);
    }
    if (outcome.state === "pruned") outcome.values = this.prunedValues(await this.trial(asked.number));
    await this.storage.finishTrial(this.stored.id, asked.number, outcome);
    const record = await this.trial(asked.number);
    if (record && options.onTrialFinished) options.onTrialFinished(record);
    return outcome;
  }
}

/**
 * The strategy a stored study names. A custom strategy (one given to the API) cannot be rebuilt from its
 * name; such a study can still be read (best, trials, dashboard), and asking it for a proposal says why not.
 */
function strategyOf(spec: StudySpec): Strategy {
  if (STRATEGY_NAMES.includes(spec.strategy.name)) return resolveStrategy(spec.strategy.name, spec.strategy.options);
  return {
    name: spec.strategy.name,
    propose() {
      throw new NascentError(`study '${spec.name}' was created with strategy '${spec.strategy.name}', which nascent does not know by name; continue it through the API with that strategy`);
    },
  };
}

function finiteOnly(metrics: Metrics): Record<string, number> {
  return Object.fromEntries(Object.entries(metrics).filter(([, v]) => typeof v === "number" && Number.isFinite(v)));
}

/** A resumed study must be the same search; say exactly what differs. */
function checkSameSearch(stored: StudySpec, asked: StudySpec): void {
  const fields: [string, unknown, unknown][] = [
    ["space", stored.space, asked.space],
    ["objectives", stored.objectives, asked.objectives],
    ["constraints", stored.constraints, asked.constraints],
    ["seed", stored.seed, asked.seed],
    ["strategy", stored.strategy, asked.strategy],
    ["evaluator", stored.evaluator, asked.evaluator],
    ["pruner", stored.pruner ?? "none", asked.pruner ?? "none"],
  ];
  for (const [field, was, now] of fields) {
    if (canonicalJson(was) !== canonicalJson(now)) {
      throw new NascentError(`study '${stored.name}' was created with ${field} ${describeSpec(was)}; this run asks for ${describeSpec(now)}`);
    }
  }
}

function describeSpec(value: unknown): string {
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
