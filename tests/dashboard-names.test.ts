/** Every study name the CLI accepts can be opened in the dashboard (its API is what the page fetches). */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MemoryStorage, Study, nb201Space } from "../src/index.js";
import { startDashboard } from "../src/dashboard/server.js";
import { MAX_STUDY_NAME_LENGTH, checkStudyName } from "../src/core/study-name.js";

describe("the dashboard opens every study name the CLI accepts", () => {
  it("long names, and names with slashes, spaces, percent signs, '?' '#' and emoji", async () => {
    const storage = new MemoryStorage();
    const unit = "nb201/évolution ?#%&+🙂 ";
    const names = [
      "a".repeat(101),
      "nb201-evolution-seed0-20261129-185501-12345-a-very-long-space-file-name-that-people-do-write-for-their-experiments.json",
      unit.repeat(Math.ceil(MAX_STUDY_NAME_LENGTH / unit.length)).slice(0, MAX_STUDY_NAME_LENGTH - 1) + "x",
      "%2F..%2F",
    ];
    for (const name of names) {
      checkStudyName(name);
      const study = await Study.open({ storage, name, space: nb201Space, seed: 1 });
      const trial = (await study.ask())!;
      await study.tell(trial.number, 1);
    }
    const { server, url } = await startDashboard({ storage, port: 0 });
    try {
      for (const name of names) {
        const payload = await fetch(`${url}/api/studies/${encodeURIComponent(name)}?since=0`);
        const body = await payload.text();
        assert.equal(payload.status, 200, `${name.length} characters: ${body.slice(0, 200)}`);
        assert.equal((JSON.parse(body) as { spec: { name: string } }).spec.name, name);
        const trial = await fetch(`${url}/api/studies/${encodeURIComponent(name)}/trials/0`);
        assert.equal(trial.status, 200, `${name.length} characters, trial 0`);
      }
    } finally {
      await server.close();
    }
    assert.throws(() => checkStudyName("x".repeat(MAX_STUDY_NAME_LENGTH + 1)), /at most 1000 characters, got 1001/);
  });
});
