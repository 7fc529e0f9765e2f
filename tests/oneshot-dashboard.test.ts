import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { OneshotPayload } from "../src/dashboard/oneshot-payload.js";
import { StudyCache } from "../src/dashboard/payload.js";
import { renderReport } from "../src/dashboard/report.js";
import { startDashboard } from "../src/dashboard/server.js";
import { architectureRows } from "../src/oneshot/rows.js";
import { recordEpochs } from "../src/oneshot/record.js";
import { nb201Space } from "../src/space/builtin/nb201.js";
import { MemoryStorage } from "../src/storage/memory.js";
import { Study } from "../src/study/study.js";
import { tinySearch } from "./oneshot-dashboard-fixture.js";

const sum = (row: number[]) => row.reduce((a, b) => a + b, 0);

describe("the dashboard's view of a one-shot search", () => {
  it("holds softmax(alpha) of every epoch as NB201's 6 edges x 5 ops, with the losses and the genotype derived so far", async () => {
    const storage = new MemoryStorage();
    const { history } = await tinySearch(storage, "darts", "darts", "nb201", 3);
    const payload = await new StudyCache(storage).oneshotPayload("darts", 0);
    assert.deepEqual([payload.method, payload.space, payload.weights, payload.plannedEpochs, payload.complete], ["darts", "nb201", "alpha", 3, true]);
    assert.deepEqual(payload.ops, ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]);
    assert.deepEqual(payload.cells.map((c) => c.edges), [["1←0", "2←0", "2←1", "3←0", "3←1", "3←2"]]);
    assert.deepEqual(payload.epochs.map((e) => e.epoch), [1, 2, 3]);
    for (const [i, e] of payload.epochs.entries()) {
      const record = history[i];
      assert.deepEqual(e.alpha, record.alphaSoftmax, `epoch ${e.epoch}: the matrix the search recorded`);
      assert.equal(e.alpha!.length, 6);
      for (const row of e.alpha!) assert.ok(row.length === 5 && Math.abs(sum(row) - 1) < 1e-12, "a softmax per edge");
      assert.equal(e.beta, null);
      assert.deepEqual([e.trainLoss, e.archLoss, e.supernetAccuracy, e.learningRate], [record.trainLoss, record.archLoss, record.supernetAccuracy, record.learningRate]);
      assert.equal(e.key, record.genotype);
      assert.deepEqual(e.genotype, nb201Space.parse(record.genotype!));
    }
    assert.notDeepEqual(payload.epochs[2].alpha, payload.epochs[0].alpha, "alpha moves between epochs");
  });

  it("sends only the epochs recorded since the cursor, so a live page follows a running search", async () => {
    const storage = new MemoryStorage();
    const { study, history } = await tinySearch(storage, "gdas", "gdas", "nb201", 3, 1);
    const cache = new StudyCache(storage);
    const first = await cache.oneshotPayload("gdas", 0);
    assert.deepEqual(first.epochs.map((e) => e.epoch), [1]);
    assert.equal((await cache.oneshotPayload("gdas", first.cursor)).epochs.length, 0);
    await recordEpochs(storage, study, history);
    const next = await cache.oneshotPayload("gdas", first.cursor);
    assert.equal(next.complete, false);
    assert.deepEqual(next.epochs.map((e) => e.epoch), [2, 3]);
    assert.deepEqual(next.epochs.map((e) => e.temperature), history.slice(1).map((r) => r.temperature), "GDAS's temperature per epoch");
    assert.ok(next.epochs[1].temperature! < next.epochs[0].temperature!, "annealed");
  });

  it("splits PC-DARTS's NB301 rows into the normal and reduction cells' 14 edges x 8 ops and beta per node", async () => {
    const storage = new MemoryStorage();
    const { history } = await tinySearch(storage, "pc-darts nb301", "pc-darts", "nb301", 2);
    const payload = await new StudyCache(storage).oneshotPayload("pc-darts nb301", 0);
    assert.deepEqual(payload.cells.map((c) => [c.cell, c.edges.length, c.nodes.map((n) => n.inputs.length)]), [["normal", 14, [2, 3, 4, 5]], ["reduce", 14, [2, 3, 4, 5]]]);
    assert.deepEqual(payload.cells[0].edges.slice(0, 3), ["0←c(k-2)", "0←c(k-1)", "1←c(k-2)"]);
    assert.equal(payload.ops.length, 8);
    for (const [i, e] of payload.epochs.entries()) {
      assert.deepEqual(e.alpha, history[i].alphaSoftmax!.slice(0, 28));
      assert.deepEqual(e.beta, history[i].alphaSoftmax!.slice(28));
      assert.deepEqual(e.beta!.map((row) => row.length), [2, 3, 4, 5, 2, 3, 4, 5]);
      for (const row of e.beta!) assert.ok(Math.abs(sum(row) - 1) < 1e-12);
      assert.deepEqual(Object.keys(e.genotype as object), ["normal", "reduce"]);
    }
    assert.notDeepEqual(payload.epochs[1].beta, payload.epochs[0].beta, "beta moves (no warm-up)");
  });

  it("says what SPOS, ENAS and ProxylessNAS record: no alpha, a controller policy, the latency the loss saw", async () => {
    const storage = new MemoryStorage();
    await tinySearch(storage, "spos", "spos", "nb201", 1);
    await tinySearch(storage, "enas", "enas", "nb201", 1);
    const { history } = await tinySearch(storage, "proxyless", "proxyless", "nb201", 1);
    const cache = new StudyCache(storage);
    const spos = await cache.oneshotPayload("spos", 0);
    assert.deepEqual([spos.weights, spos.epochs[0].alpha, spos.epochs[0].genotype, spos.epochs[0].key], [null, null, null, null]);
    assert.ok(spos.epochs[0].trainLoss! > 0);
    const enas = await cache.oneshotPayload("enas", 0);
    assert.equal(enas.weights, "policy");
    assert.equal(enas.epochs[0].alpha!.length, 6);
    const proxyless = await cache.oneshotPayload("proxyless", 0);
    assert.equal(proxyless.epochs[0].latencyMs, history[0].latencyMs);
    assert.ok(proxyless.epochs[0].latencyMs! > 1, "E[LAT] over the base of 1 ms");
  });

  it("refuses a study that is not a one-shot search or whose alpha does not fit its space, and serves the same payload live and in a report", async () => {
    const storage = new MemoryStorage();
    const plain = await Study.open({ storage, name: "plain", space: nb201Space, seed: 1 });
    await plain.tell((await plain.ask())!.number, 0.5);
    const cache = new StudyCache(storage);
    await assert.rejects(cache.oneshotPayload("plain", 0), /'plain' is not a one-shot search/);
    const { study } = await tinySearch(storage, "darts", "darts", "nb201", 1);
    const rows = architectureRows("nb201").cells[0].edges.length;
    assert.equal(rows, 6);
    const { server, url } = await startDashboard({ storage, port: 0 });
    try {
      const served = (await (await fetch(`${url}/api/studies/darts/oneshot`)).json()) as OneshotPayload;
      assert.deepEqual(served, JSON.parse(JSON.stringify(await cache.oneshotPayload("darts", 0))));
      assert.equal((await fetch(`${url}/api/studies/plain/oneshot`)).status, 404);
      const html = await renderReport(storage, "darts");
      const embedded = JSON.parse(/<script id="nascent-report" type="application\/json">(.*?)<\/script>/s.exec(html)![1]) as { oneshot: OneshotPayload };
      assert.deepEqual(embedded.oneshot, served);
      // A record of another shape (5 edges) names the trial and the space's edge count.
      await storage.createTrial(study.id, { number: 1, config: null, key: "epoch 2", note: { epoch: 2 }, worker: "test", leaseMs: 1000 });
      await storage.setTrialAttr(study.id, 1, "alphaSoftmax", Array.from({ length: 5 }, () => [0.2, 0.2, 0.2, 0.2, 0.2]));
      await storage.finishTrial(study.id, 1, { state: "complete", values: [0.1] });
      await assert.rejects(cache.oneshotPayload("darts", 0), /trial 1: alphaSoftmax has 5 rows; this space has 6 edges/);
    } finally {
      await server.close();
    }
  });
});
