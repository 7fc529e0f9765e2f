import { nb201Space } from "../space/builtin/nb201.js";
import { nb301Space } from "../space/builtin/nb301.js";
import type { Space } from "../space/space.js";
import type { OneshotSpace } from "./layout.js";
import type { Storage, StoredStudy } from "../storage/storage.js";
import { NascentError } from "../core/errors.js";
import type { Json } from "../core/json.js";
import type { EpochRecord } from "./state.js";

const SPACES: Record<OneshotSpace, Space<unknown>> = { nb201: nb201Space as Space<unknown>, nb301: nb301Space as Space<unknown> };

/** A genotype key back to its config: the NB201 string, or NB301's canonical JSON. */
const parseKey = (space: OneshotSpace, key: string): unknown => (space === "nb201" ? nb201Space.parse(key) : nb301Space.validate(JSON.parse(key)));

/**
 * A search's epochs as a study: trial n is epoch n + 1, its config the genotype derived so far (null for
 * SPOS/RSPS before their final ranking), its metrics the losses and supernet accuracy, its user attributes
 * alpha's softmax per edge (and GDAS's temperature; ProxylessNAS/FBNet's latencyMs is a metric), so the
 * dashboard and `nascent read` show a one-shot run like any other study.
 */
export async function openOneshotStudy(storage: Storage, name: string, method: string, seed: number, options: Record<string, number>, space: OneshotSpace = "nb201"): Promise<StoredStudy> {
  const existing = await storage.loadStudy(name);
  if (existing) {
    if (existing.spec.strategy.name !== `oneshot:${method}` || existing.spec.seed !== seed) {
      throw new NascentError(`--study: '${name}' holds a ${existing.spec.strategy.name} run with seed ${existing.spec.seed}; pick another --study`);
    }
    return existing;
  }
  return storage.createStudy({
    name,
    space: SPACES[space].toJson(),
    objectives: [{ metric: "supernetAccuracy", direction: "maximize" }],
    constraints: [],
    seed,
    strategy: { name: `oneshot:${method}`, options },
    evaluator: "supernet",
  });
}

/** Writes the epochs of `history` the study does not hold yet (after a resume, those saved but not recorded). */
export async function recordEpochs(storage: Storage, study: StoredStudy, history: readonly EpochRecord[], space: OneshotSpace = "nb201"): Promise<void> {
  for (let n = await storage.nextTrialNumber(study.id); n < history.length; n++) {
    const record = history[n];
    const config = record.genotype ? parseKey(space, record.genotype) : null;
    await storage.createTrial(study.id, { number: n, config: config as Json, key: record.genotype ?? `epoch ${record.epoch}`, note: { epoch: record.epoch }, worker: "oneshot", leaseMs: 60_000 });
    await storage.setTrialAttr(study.id, n, "alphaSoftmax", record.alphaSoftmax);
    if (record.temperature !== null) await storage.setTrialAttr(study.id, n, "temperature", record.temperature);
    const metrics: Record<string, number> = { supernetAccuracy: record.supernetAccuracy, trainLoss: record.trainLoss, learningRate: record.learningRate, seconds: record.seconds };
    if (record.archLoss !== null) metrics.archLoss = record.archLoss;
    if (record.latencyMs !== undefined) metrics.latencyMs = record.latencyMs;
    await storage.finishTrial(study.id, n, { state: "complete", values: [record.supernetAccuracy], metrics });
  }
}
