import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { TrialRecord } from "../src/core/trial.js";
import { trialRow } from "../src/dashboard/payload.js";
import { trialRecord } from "./trial-record-fixture.js";
import { latencyAgreement } from "../src/dashboard/latency-agreement.js";

const record = (number: number, metrics: Record<string, number> | null): TrialRecord => trialRecord(number, { metrics });

describe("the dashboard's predicted-vs-measured latency plot", () => {
  it("a trial's row carries predicted and measured latency per device, only where both were stored", () => {
    const row = trialRow(record(3, { accuracy: 0.8, "latency:ort-node:1": 2.2, "predicted-latency:ort-node:1": 2.0, "predicted-latency:engine": 5 }));
    assert.deepEqual(row.latency, [{ device: "ort-node:1", predicted: 2.0, measured: 2.2 }]);
    assert.equal(trialRow(record(4, { accuracy: 0.8, "latency:ort-node:1": 2.2 })).latency, undefined); // measured, never predicted
    assert.equal(trialRow(record(5, null)).latency, undefined); // failed trial
    assert.ok(!("latency" in trialRow(record(6, { accuracy: 0.8 }))), "no latency key on studies without a latency predictor");
  });

  it("groups trials by device and counts predictions within ±10% of the measurement", () => {
    const rows = [
      trialRow(record(0, { "predicted-latency:a": 1.0, "latency:a": 1.05, "predicted-latency:b": 10, "latency:b": 12 })),
      trialRow(record(1, { "predicted-latency:a": 2.0, "latency:a": 1.6 })), // 25% over the measurement
      trialRow(record(2, { "predicted-latency:a": 0.95, "latency:a": 1.0 })),
    ];
    const [a, b] = latencyAgreement(rows);
    assert.equal(a.device, "a");
    assert.deepEqual(a.points, [[1.0, 1.05, 0], [2.0, 1.6, 1], [0.95, 1.0, 2]]);
    assert.equal(a.within10, 2 / 3);
    assert.ok(Math.abs(a.meanAbsoluteRelativeError - (0.05 / 1.05 + 0.25 + 0.05) / 3) < 1e-12);
    assert.deepEqual({ ...b, meanAbsoluteRelativeError: undefined }, { device: "b", points: [[10, 12, 0]], within10: 0, meanAbsoluteRelativeError: undefined });
    assert.ok(Math.abs(b.meanAbsoluteRelativeError - 2 / 12) < 1e-12);
  });
});
