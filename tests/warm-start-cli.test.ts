/**
 * `nascent search --warm-start STORAGE:STUDY` input errors: one line naming the option and the reference, exit 2,
 * and a missing source database is not created.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { runCli, tempDir } from "./support.js";

const search = (reference: string) =>
  runCli(["search", "--space", "nb201", "--benchmark", "nb201:cifar10", "--storage", "memory:", "--trials", "1", "--warm-start", reference], { timeoutMs: 60_000 });

describe("--warm-start errors", () => {
  const dir = tempDir();

  it("names the option when the source database does not exist, and does not create it", () => {
    const missing = join(dir, "none.db");
    const result = search(`sqlite:${missing}:study`);
    assert.equal(result.code, 2, result.stderr);
    assert.equal(result.stderr.trim().split("\n").length, 1, result.stderr);
    assert.match(result.stderr, new RegExp(`^nascent: error: --warm-start 'sqlite:${missing}:study': cannot open study database`));
    assert.equal(existsSync(missing), false);
  });

  it("asks for STORAGE:STUDY when the study is left out of a sqlite or postgres reference", () => {
    for (const reference of [`sqlite:${join(dir, "tr.db")}`, "postgres:study-less"]) {
      const result = search(reference);
      assert.equal(result.code, 2, result.stderr);
      assert.equal(result.stderr.trim(), `nascent: error: --warm-start '${reference}': expected STORAGE:STUDY, e.g. sqlite:./nascent.db:my-study`);
    }
  });
});
