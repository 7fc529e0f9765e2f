import assert from "node:assert/strict";
import { test } from "node:test";
import { compatibilityDistance, minimalGenome, type Genome } from "../src/neat/genome.js";
import { InnovationTracker } from "../src/neat/innovation.js";
import { addConnection, addNode } from "../src/neat/mutation.js";
import { crossover } from "../src/neat/crossover.js";
import { NeatNetwork } from "../src/neat/network.js";
import { evolveNeat } from "../src/neat/neat.js";
import { neatTask } from "../src/neat/tasks/index.js";
import { CartPole, DOUBLE_POLE } from "../src/neat/tasks/cart-pole.js";
import { Rng } from "../src/core/rng.js";

const shape = { inputs: 2, outputs: 1 };

test("the same structural mutation in one generation gets the same innovation numbers", () => {
  const rng = Rng.derive("t", 1);
  const a = minimalGenome(shape, rng);
  const b = minimalGenome(shape, rng);
  const tracker = new InnovationTracker(3, 4);
  const splitA = tracker.split(0);
  const splitB = tracker.split(0);
  assert.deepEqual(splitA, splitB);
  tracker.nextGeneration();
  assert.notEqual(tracker.split(0).node, splitA.node);
  assert.equal(compatibilityDistance(a, a, { excess: 1, disjoint: 1, weight: 0.4 }), 0);
  assert.ok(compatibilityDistance(a, b, { excess: 1, disjoint: 1, weight: 0.4 }) > 0);
});

test("add-node keeps the network's function close: weight 1 in, the old weight out", () => {
  const rng = Rng.derive("t", 2);
  const genome = minimalGenome(shape, rng);
  assert.ok(addNode(genome, new InnovationTracker(3, 4), rng));
  assert.equal(genome.nodes.filter((n) => n.kind === "hidden").length, 1);
  assert.equal(genome.connections.filter((c) => !c.enabled).length, 1);
  const innovations = genome.connections.map((c) => c.innovation);
  assert.deepEqual(innovations, [...innovations].sort((x, y) => x - y));
});

test("add-node never splits a link from the bias, and in a small genome favours the oldest links", () => {
  const rng = Rng.derive("t", 4);
  const first = new Map<number, number>();
  for (let i = 0; i < 400; i++) {
    const genome = minimalGenome(shape, rng);
    assert.ok(addNode(genome, new InnovationTracker(3, 4), rng, 15));
    const split = genome.connections.find((c) => !c.enabled)!;
    assert.notEqual(split.from, 2, "the bias link (innovation 2) was split");
    first.set(split.innovation, (first.get(split.innovation) ?? 0) + 1);
  }
  // Oldest (x1 -> out) with 0.7, the next with 0.3.
  assert.ok(Math.abs(first.get(0)! / 400 - 0.7) < 0.08, `x1 -> out split ${first.get(0)} times in 400`);
});

test("compatibility distance counts excess genes with c1 and mean weight differences with c3", () => {
  const base: Genome = { nodes: [{ id: 0, kind: "input" }, { id: 1, kind: "bias" }, { id: 2, kind: "output" }], connections: [{ innovation: 0, from: 0, to: 2, weight: 1, enabled: true, recurrent: false }] };
  const more: Genome = { nodes: base.nodes, connections: [{ ...base.connections[0], weight: 2 }, { innovation: 5, from: 1, to: 2, weight: 0, enabled: true, recurrent: false }] };
  assert.equal(compatibilityDistance(base, more, { excess: 1, disjoint: 1, weight: 0.4 }), 1 + 0.4);
});

test("a feed-forward genome never gets a cycle unless recurrence is allowed", () => {
  const rng = Rng.derive("t", 3);
  const genome = minimalGenome(shape, rng);
  const tracker = new InnovationTracker(3, 4);
  for (let i = 0; i < 30; i++) {
    addNode(genome, tracker, rng);
    addConnection(genome, tracker, rng, { allowRecurrent: false, weightRange: 1 });
  }
  assert.ok(genome.connections.every((c) => !c.recurrent));
  assert.doesNotThrow(() => new NeatNetwork(genome).activate([1, 0]));
  const child = crossover(genome, minimalGenome(shape, rng), rng, 0.75);
  assert.equal(child.connections.length, genome.connections.length);
});

test("an unpushed double pole falls: the long pole leaves ±36° within a few seconds", () => {
  const cart = new CartPole(DOUBLE_POLE, [0, 0, 0.07, 0, 0, 0]);
  let steps = 0;
  while (!cart.failed() && steps < 1000) {
    cart.step(0.5);
    steps++;
  }
  assert.ok(steps > 20 && steps < 200, `fell after ${steps} steps`);
});

test("NEAT solves XOR with a hidden node, and double pole balancing with velocities", () => {
  const xor = evolveNeat(neatTask("xor"), {}, 1);
  assert.ok(xor.solved);
  assert.ok(new NeatNetwork(xor.champion).hiddenCount >= 1, "XOR is not linearly separable");
  const pole = evolveNeat(neatTask("double-pole"), {}, 1);
  assert.ok(pole.solved && pole.championFitness === 100_000);
});
