import type { Command } from "commander";
import { NascentError } from "../../core/errors.js";
import type { Json } from "../../core/json.js";
import type { Registry } from "../../core/registry.js";
import { BENCHMARKS } from "../../evaluate/registry.js";
import { PRUNERS } from "../../pruner/registry.js";
import { SPACES } from "../../space/builtin/index.js";
import { spaceKinds } from "../../space/kinds.js";
import { STRATEGIES } from "../../strategy/registry.js";
import { IN_PROCESS_EVALUATORS } from "../evaluator-options.js";
import { printJsonLine } from "../output.js";

const KINDS: Record<string, () => Registry<unknown, never>> = {
  strategies: () => STRATEGIES as Registry<unknown, never>,
  pruners: () => PRUNERS as unknown as Registry<unknown, never>,
  evaluators: () => BENCHMARKS as unknown as Registry<unknown, never>,
  spaces: () => SPACES as Registry<unknown, never>,
};

/** `nascent list [strategies|pruners|evaluators|spaces]`: every registry entry with its options and defaults. */
export function registerList(program: Command): void {
  program
    .command("list")
    .description("list the strategies, pruners, evaluators and spaces nascent knows, with their options and defaults")
    .argument("[kind]", `one of ${Object.keys(KINDS).join(", ")} (default: all)`)
    .option("--json", "print one JSON object")
    .action((kind: string | undefined, options: { json?: boolean }) => {
      if (kind !== undefined && !(kind in KINDS)) throw new NascentError(`unknown kind '${kind}' to list (expected ${Object.keys(KINDS).join(", ")})`);
      const kinds = kind ? [kind] : Object.keys(KINDS);
      const listed = Object.fromEntries(kinds.map((k) => [k, KINDS[k]().list().map((e) => ({ name: e.name, summary: e.summary, options: e.options.docs }))]));
      if (listed.evaluators) listed.evaluators.push(...IN_PROCESS_EVALUATORS);
      if (options.json) {
        printJsonLine({ ...listed, ...(kind === undefined || kind === "spaces" ? { spaceKinds: spaceKinds() } : {}) } as unknown as Json);
        return;
      }
      for (const k of kinds) {
        console.log(`${k}:`);
        for (const entry of listed[k]) {
          console.log(`  ${entry.name.padEnd(15)} ${entry.summary}`);
          for (const o of entry.options) {
            const fallback = o.default === undefined ? "" : ` (default ${JSON.stringify(o.default)})`;
            console.log(`      ${o.name}: ${o.type}${fallback}  ${o.description}`);
          }
        }
        if (k === "spaces") console.log(`  a JSON file of kinds: ${spaceKinds().join(", ")} (see docs/registry.md)`);
        if (k === "evaluators") console.log("  also: --evaluator train:<dataset> (in-process image training) and --command '<program>' (trial protocol)");
      }
    });
}
