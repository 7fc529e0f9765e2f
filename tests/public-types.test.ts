import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { describe, it } from "node:test";
import { tempDir } from "./support.js";

/**
 * nascent's public declarations type-check in a consumer project that checks libraries too
 * (skipLibCheck: false): no engine's own types (jax-js) leak through them, and an open layer kind declared
 * by the consumer joins `Layer`.
 */
describe("public types", () => {
  it("a strict consumer with skipLibCheck: false type-checks against dist", () => {
    const dir = tempDir();
    const index = resolve("dist/src/index.js");
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({ compilerOptions: { strict: true, skipLibCheck: false, noEmit: true, module: "NodeNext", moduleResolution: "NodeNext", target: "ES2022", types: ["node"], typeRoots: [resolve("node_modules/@types")] }, files: ["consumer.ts"] }),
    );
    writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
    writeFileSync(
      join(dir, "consumer.ts"),
      `import { countCost, loadEngine, lowerNetwork, type Layer, type Weights } from ${JSON.stringify(index)};
declare module ${JSON.stringify(resolve("dist/src/nn/kinds/registry.js"))} {
  interface LayerKinds { myKind: { kind: "myKind"; width: number } }
}
const net: Layer = { kind: "sequential", layers: [{ kind: "conv", out: 4, kernel: 3 }, { kind: "globalPool" }, { kind: "dense", out: 2 }] };
const mine: Layer = { kind: "myKind", width: 3 };
export const cost: number = countCost(net, [8, 8, 1]).params;
export const graphNodes: number = lowerNetwork(net, [8, 8, 1]).nodes.length;
export async function weightsOf(w: Weights): Promise<string> { const engine = await loadEngine(); return engine.name + Object.keys(w.params).length + mine.kind; }
`,
    );
    const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
    try {
      execFileSync(process.execPath, [tsc, "-p", join(dir, "tsconfig.json")], { encoding: "utf8" });
    } catch (error) {
      assert.fail(`consumer type-check failed:\n${(error as { stdout?: string }).stdout}`);
    }
  });
});
