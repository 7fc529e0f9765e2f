import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

/**
 * The pipeline's one-way flow: a folder may import only folders of a lower rank (or itself). Folders of one
 * rank (strategy and evaluate; dashboard and bench) are siblings and do not import each other.
 */
export const LAYERS: readonly (readonly string[])[] = [
  ["core"],
  ["space"],
  ["nn"],
  ["cost", "export"],
  ["pruner"],
  ["strategy", "neat"],
  ["predict"],
  ["evaluate"],
  ["storage"],
  ["study", "oneshot", "ofa"],
  ["dashboard", "bench"],
  ["cli"],
];

const SRC = fileURLToPath(new URL("../../src", import.meta.url));
const IMPORT = /(?:^|[\s;])(?:import|export)\s[^;]*?\sfrom\s*["'](\.{1,2}\/[^"']+)["']|import\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)|^import\s+["'](\.{1,2}\/[^"']+)["']/gm;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith(".d.ts") ? [path] : [];
  });
}

/** Every file's relative imports, as paths relative to src/ (".js" read as the ".ts" or ".tsx" it compiles from). */
export function importGraph(): Map<string, string[]> {
  const files = sourceFiles(SRC);
  const known = new Set(files.map((f) => relative(SRC, f)));
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const from = relative(SRC, file);
    const targets: string[] = [];
    for (const match of readFileSync(file, "utf8").matchAll(IMPORT)) {
      const spec = match[1] ?? match[2] ?? match[3];
      const base = normalize(join(dirname(from), spec)).replace(/\.jsx?$/, "");
      const target = [`${base}.ts`, `${base}.tsx`].find((candidate) => known.has(candidate));
      assert.ok(target, `${from} imports '${spec}', which is not a source file`);
      targets.push(target);
    }
    graph.set(from, targets);
  }
  return graph;
}

function rankOf(file: string): number | null {
  const folder = file.split("/")[0];
  if (!file.includes("/")) return LAYERS.length; // src/index.ts: the public entry point stands above everything
  const rank = LAYERS.findIndex((layer) => layer.includes(folder));
  return rank < 0 ? null : rank;
}

/** Strongly connected components with more than one file (Tarjan), i.e. import cycles. */
export function cycles(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter++);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || (graph.get(node) ?? []).includes(node)) found.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

describe("the pipeline's layers (core -> space -> nn -> cost/export -> pruner -> strategy/neat -> predict -> evaluate -> storage -> study/oneshot -> dashboard/bench -> cli)", () => {
  const graph = importGraph();

  it("places every source folder in a layer", () => {
    const unplaced = [...graph.keys()].filter((file) => rankOf(file) === null);
    assert.deepEqual(unplaced, [], "add these files' folders to LAYERS in tests/layers.test.ts");
  });

  it("never imports a folder that stands above it, nor a sibling folder", () => {
    const upward: string[] = [];
    for (const [from, targets] of graph) {
      for (const to of targets) {
        const [a, b] = [from.split("/")[0], to.split("/")[0]];
        if (a === b || !from.includes("/")) continue;
        if (rankOf(to)! >= rankOf(from)!) upward.push(`${from} -> ${to}`);
      }
    }
    assert.deepEqual(upward, []);
  });

  it("keeps the read-only dashboard free of the strategies (the study's strategy factory is injected)", () => {
    const reached = new Set<string>();
    const visit = (file: string): void => {
      if (reached.has(file)) return;
      reached.add(file);
      for (const next of graph.get(file) ?? []) visit(next);
    };
    visit("dashboard/server.ts");
    visit("dashboard/report.ts");
    const strategies = [...reached].filter((f) => f.startsWith("strategy/") && f !== "strategy/strategy.ts" && f !== "strategy/random.ts");
    assert.deepEqual(strategies, []);
  });

  it("has no import cycle", () => {
    assert.deepEqual(cycles(graph), []);
  });

  it("finds a cycle and an upward import when there is one (the checker itself)", () => {
    assert.deepEqual(cycles(new Map([["a.ts", ["b.ts"]], ["b.ts", ["a.ts"]], ["c.ts", []]])), [["a.ts", "b.ts"]]);
    assert.ok((rankOf("storage/x.ts") as number) > (rankOf("strategy/y.ts") as number));
  });
});
