import { openStorage } from "../storage/open.js";
import type { Space } from "../space/space.js";
import type { PriorTrial } from "../strategy/transfer.js";
import { NascentError } from "../core/errors.js";
import { canonicalJson } from "../core/json.js";
import { signed } from "../core/objectives.js";

/**
 * Reads the finished trials of `STORAGE:STUDY` (e.g. `sqlite:./runs.db:c10-tpe`; the study name is after
 * the last colon) as prior trials for a new study in `space`. Errors: no colon, unknown study, a study
 * over another space, or one without complete trials.
 */
export async function loadPriorTrials<C>(reference: string, space: Space<C>): Promise<PriorTrial[]> {
  const cut = reference.lastIndexOf(":");
  // `sqlite:./runs.db` (study left out) would split into storage `sqlite` and study `./runs.db`.
  if (cut <= 0 || cut === reference.length - 1 || BARE_SCHEMES.has(reference.slice(0, cut))) {
    throw new NascentError(`--warm-start '${reference}': expected STORAGE:STUDY, e.g. sqlite:./nascent.db:my-study`);
  }
  const storage = named(reference, () => openStorage(reference.slice(0, cut), { readonly: true }));
  try {
    const name = reference.slice(cut + 1);
    const study = await named(reference, () => storage.loadStudy(name));
    if (!study) throw new NascentError(`--warm-start '${reference}': no study '${name}' in ${storage.url}`);
    if (canonicalJson(study.spec.space) !== canonicalJson(space.toJson())) throw new NascentError(`--warm-start '${reference}': that study searched another space than this one`);
    const direction = study.spec.objectives[0].direction;
    const { trials } = await storage.trialChanges(study.id, 0);
    const prior = trials
      .filter((t) => t.state === "complete" && t.values && (t.violations ?? []).every((v) => v <= 0))
      .map((t) => ({ config: space.validate(t.config), key: t.key, fitness: signed(t.values![0], direction), source: reference }));
    if (prior.length === 0) throw new NascentError(`--warm-start '${reference}': the study has no complete feasible trials`);
    return prior;
  } finally {
    await storage.close();
  }
}

const BARE_SCHEMES = new Set(["sqlite", "postgres", "postgresql"]);

/** Runs `open`, prefixing a storage error with the `--warm-start` reference it came from. */
function named<T>(reference: string, open: () => T): T {
  const prefixed = (error: unknown): never => {
    if (error instanceof NascentError && !error.message.startsWith("--warm-start")) throw new NascentError(`--warm-start '${reference}': ${error.message}`);
    throw error;
  };
  try {
    const result = open();
    return (result instanceof Promise ? result.catch(prefixed) : result) as T;
  } catch (error) {
    return prefixed(error);
  }
}
