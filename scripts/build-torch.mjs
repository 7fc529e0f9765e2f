// Builds the torch engine's addon (native/torch) with node-gyp when libtorch is found; otherwise, or when
// the build fails, says in one line that the jax-js engine will be used. Never fails the install.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { findLibtorch } from "./torch-paths.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const found = findLibtorch();
if (!found.found || process.env.NASCENT_ENGINE === "jax") {
  const why = found.found ? "NASCENT_ENGINE=jax" : found.reason;
  console.log(`nascent: ${why}; the jax-js engine will be used (apt-get install libtorch-dev, or LIBTORCH=DIR, then npm run build:torch)`);
  process.exit(0);
}
// npm puts its own node-gyp on PATH in scripts; outside npm, use the one npm ships.
const bundled = join(dirname(process.execPath), "../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js");
const npmGyp = process.env.npm_config_node_gyp ?? (existsSync(bundled) ? bundled : undefined);
const command = npmGyp ? [process.execPath, npmGyp] : ["node-gyp"];
const args = ["rebuild"];
// Without network, the Node headers come from the system (Debian's nodejs-dev / libnode-dev puts them in /usr/include/node).
if (existsSync("/usr/include/node/node_api.h") && process.execPath.startsWith("/usr/bin")) args.push("--nodedir=/usr");
console.log(`nascent: building the torch engine against ${found.source} (about a minute)...`);
const result = spawnSync(command[0], [...command.slice(1), ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
if (result.status !== 0) {
  const log = join(root, "build", "nascent-torch-build.log");
  const detail = `${result.error?.message ?? ""}${result.stdout ?? ""}${result.stderr ?? ""}`;
  const lastError = detail.split("\n").find((line) => /error/i.test(line)) ?? detail.trim().split("\n").at(-1);
  rmSync(join(root, "build", "Release", "nascent_torch.node"), { force: true });
  mkdirSync(dirname(log), { recursive: true });
  writeFileSync(log, detail);
  console.log(`nascent: the torch engine did not build (${(lastError ?? "").trim().slice(0, 160)}; full log: ${log}); the jax-js engine will be used`);
  process.exit(0);
}
console.log("nascent: torch engine built (build/Release/nascent_torch.node)");
