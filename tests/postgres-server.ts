import { execFileSync, spawnSync } from "node:child_process";
import { appendFileSync, chmodSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Debian's PostgreSQL 15 (NASCENT_PG_BIN overrides). */
export const PG_BIN = process.env.NASCENT_PG_BIN ?? "/usr/lib/postgresql/15/bin";

/**
 * Why the PostgreSQL tests cannot run here, or undefined when they can. On CI (CI=true) a missing server is
 * an error, not a skip: .ci/run installs it, so its absence means the tests would silently test nothing.
 */
export function postgresUnavailable(): string | undefined {
  const reason = !existsSync(join(PG_BIN, "initdb")) ? `no PostgreSQL binaries in ${PG_BIN} (apt-get install postgresql)` : undefined;
  if (reason && process.env.CI === "true") throw new Error(`CI=true but ${reason}`);
  return reason;
}

const asRoot = process.getuid?.() === 0;

/** Runs a PostgreSQL program as the `postgres` user when we are root (initdb and the server refuse root). */
function pgExec(program: string, args: string[]): string {
  const command = asRoot ? ["runuser", ["-u", "postgres", "--", join(PG_BIN, program), ...args]] as const : [join(PG_BIN, program), args] as const;
  const result = spawnSync(command[0], command[1] as string[], { encoding: "utf8", cwd: "/" });
  if (result.status !== 0) throw new Error(`${program} ${args.join(" ")} failed (${result.status}): ${result.stderr || result.stdout}`);
  return result.stdout;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface PostgresServer {
  /** postgres://postgres@127.0.0.1:PORT/postgres */
  url: string;
  port: number;
  /** The same database at another of the server's addresses (e.g. one a network namespace reaches). */
  urlAt(host: string): string;
  /** Stops the server (fast shutdown: open connections are cut, as in a real restart). */
  stop(): void;
  start(): void;
  /** Stops the server and deletes its data. */
  destroy(): void;
}

/**
 * A throwaway PostgreSQL server: `initdb` in a temporary directory, fsync off, trust authentication for
 * loopback and `trustedNet` (a CIDR, e.g. the fault tests' namespace links), listening on `listen`.
 */
export async function startPostgres(options: { listen?: string; trustedNet?: string } = {}): Promise<PostgresServer> {
  const dir = mkdtempSync(join(tmpdir(), "nascent-pg-"));
  chmodSync(dir, 0o777);
  if (asRoot) execFileSync("chown", ["postgres:postgres", dir]);
  const data = join(dir, "data");
  pgExec("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C"]);
  if (options.trustedNet) appendFileSync(join(data, "pg_hba.conf"), `host all all ${options.trustedNet} trust\n`);
  const port = await freePort();
  const serverOptions = [
    `-p ${port}`, `-k ${dir}`, `-c listen_addresses='${options.listen ?? "127.0.0.1"}'`, "-c fsync=off", "-c synchronous_commit=off",
    "-c full_page_writes=off", "-c max_connections=200", "-c shared_buffers=64MB",
  ].join(" ");
  const log = join(dir, "server.log");
  const start = () => void pgExec("pg_ctl", ["-D", data, "-l", log, "-w", "-t", "30", "-o", serverOptions, "start"]);
  const stop = () => void pgExec("pg_ctl", ["-D", data, "-w", "-m", "fast", "stop"]);
  start();
  const urlAt = (host: string) => `postgres://postgres@${host}:${port}/postgres`;
  return {
    url: urlAt("127.0.0.1"),
    port,
    urlAt,
    start,
    stop,
    destroy() {
      try {
        stop();
      } catch (error) {
        if (!/not running|No such file|does not exist/i.test(String(error))) throw error;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
