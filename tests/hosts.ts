import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { CLI } from "./support.js";

/** A running `nascent` process and what it printed. */
export interface CliProcess {
  child: ChildProcess;
  stdout: string;
  stderr: string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
}

/** Starts the nascent command line, inside network namespace `netns` when given. */
export function startCli(args: readonly string[], netns?: string): CliProcess {
  const [program, argv] = netns ? ["ip", ["netns", "exec", netns, process.execPath, CLI, ...args]] : [process.execPath, [CLI, ...args]];
  const child = spawn(program, argv, { stdio: ["ignore", "pipe", "pipe"] });
  const run: CliProcess = { child, stdout: "", stderr: "", exited: Promise.resolve(null) };
  child.stdout!.on("data", (chunk: Buffer) => (run.stdout += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (run.stderr += chunk.toString()));
  run.exited = new Promise((resolve) => child.on("exit", (code) => resolve(code)));
  return run;
}

/** Why network namespaces cannot be made here (needs root and iproute2); on CI their absence is an error. */
export function namespacesUnavailable(): string | undefined {
  let reason: string | undefined;
  if (process.getuid?.() !== 0) reason = "network namespaces need root";
  else if (!existsSync("/usr/sbin/ip") && !existsSync("/sbin/ip") && !existsSync("/usr/bin/ip")) reason = "no ip command (apt-get install iproute2)";
  if (reason && process.env.CI === "true") throw new Error(`CI=true but ${reason}`);
  return reason;
}

function ip(...args: string[]): void {
  const result = spawnSync("ip", args, { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`ip ${args.join(" ")} failed: ${result.stderr.trim()}`);
}

/** A machine made as a network namespace, linked to this one by a veth pair. */
export interface Host {
  netns: string;
  /** This machine's address on the host's link (where a server here is reached from the host). */
  gateway: string;
  cut(): void;
  restore(): void;
}

/**
 * `count` hosts, host i on its own link 10.18.i.0/24 (this side .1, the host .2), reaching nothing but this
 * machine. `remove` deletes them (and their links) again.
 */
export function makeHosts(count: number): { hosts: Host[]; trustedNet: string; remove(): void } {
  const tag = process.pid % 100_000;
  const hosts: Host[] = [];
  const remove = () => {
    for (const host of hosts) spawnSync("ip", ["netns", "del", host.netns]);
  };
  try {
    for (let i = 1; i <= count; i++) {
      const netns = `nascent${tag}h${i}`;
      const outer = `nv${tag}o${i}`;
      const inner = `nv${tag}i${i}`;
      ip("netns", "add", netns);
      hosts.push({ netns, gateway: `10.18.${i}.1`, cut: () => ip("link", "set", outer, "down"), restore: () => ip("link", "set", outer, "up") });
      ip("link", "add", outer, "type", "veth", "peer", "name", inner);
      ip("link", "set", inner, "netns", netns);
      ip("addr", "add", `10.18.${i}.1/24`, "dev", outer);
      ip("link", "set", outer, "up");
      ip("netns", "exec", netns, "ip", "addr", "add", `10.18.${i}.2/24`, "dev", inner);
      ip("netns", "exec", netns, "ip", "link", "set", inner, "up");
      ip("netns", "exec", netns, "ip", "link", "set", "lo", "up");
    }
  } catch (error) {
    remove();
    throw error;
  }
  return { hosts, trustedNet: "10.18.0.0/16", remove };
}
