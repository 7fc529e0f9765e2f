import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { TrialRecord } from "../src/core/trial.js";
import { trialRow } from "../src/dashboard/payload.js";
import { trialRecord } from "./trial-record-fixture.js";
import { llmSpace } from "../src/space/builtin/llm.js";
import { nb201Space } from "../src/space/builtin/nb201.js";
import { Rng } from "../src/core/rng.js";

const record = (number: number, config: unknown, key: string, values: number[]): TrialRecord =>
  trialRecord(number, { config: config as TrialRecord["config"], key, values });

describe("the dashboard names each point by its shape", () => {
  it("an LLM trial's row carries the space's short form (layers x width, heads, vocabulary, context)", () => {
    const config = llmSpace.sample(Rng.derive("shape"));
    const row = trialRow(record(0, config, llmSpace.key(config), [2.1, 9]), llmSpace);
    assert.equal(row.label, llmSpace.format(config));
    assert.match(row.label ?? "", /^\d+x\d+ h\d+.* V=\d+ T=\d+/);
    // A space whose short form is its key adds nothing; without a space there is no label.
    const cell = nb201Space.sample(Rng.derive("cell"));
    assert.equal(trialRow(record(1, cell, nb201Space.key(cell), [0.9]), nb201Space).label, nb201Space.format(cell) === nb201Space.key(cell) ? undefined : nb201Space.format(cell));
    assert.ok(!("label" in trialRow(record(2, config, llmSpace.key(config), [2]))));
  });

});
