import type { TrialRecord } from "../src/core/trial.js";

/** A complete, feasible trial record for dashboard tests; `fields` override any of its fields. */
export const trialRecord = (number: number, fields: Partial<TrialRecord> = {}): TrialRecord => ({
  number,
  state: "complete",
  config: {},
  key: String(number),
  note: null,
  values: [0.8],
  metrics: {},
  violations: [0],
  intermediate: [],
  userAttrs: {},
  error: null,
  worker: null,
  startedAt: 0,
  finishedAt: 1,
  leaseExpiresAt: null,
  ...fields,
});
