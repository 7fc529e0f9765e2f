import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { renderReport } from "../../dashboard/report.js";
import { startDashboard } from "../../dashboard/server.js";
import { DEFAULT_STORAGE, openStorage } from "../../storage/open.js";
import { NascentError } from "../../core/errors.js";
import { collect, integer } from "../arguments.js";
import { withStorage } from "./read.js";

export function registerDashboard(program: Command): void {
  program
    .command("dashboard")
    .description("serve a read-only web dashboard of the studies in a storage (live while searches run)")
    .option("--storage <url>", "sqlite:PATH", DEFAULT_STORAGE)
    .option("--host <host>", "address to bind (other than 127.0.0.1 exposes your studies to the network)", "127.0.0.1")
    .option("--port <port>", "port (0 picks a free one)", integer, 8080)
    .option("--ofa <dir>", "also show a once-for-all supernet (nascent ofa train --out DIR): its phases' curves and NSGA-II fronts; repeatable", collect, [])
    .action(async (options: { storage: string; host: string; port: number; ofa: string[] }) => {
      if (!/^(sqlite|postgres|postgresql):/.test(options.storage)) throw new NascentError("the dashboard reads a study database: use --storage sqlite:PATH or postgres://user@host/db");
      const storage = openStorage(options.storage, { readonly: true });
      const { server, url } = await startDashboard({ storage, host: options.host, port: options.port, ofa: options.ofa });
      console.log(`nascent dashboard on ${url} (read-only, ${storage.url}); Ctrl-C to stop`);
      const stop = async () => {
        await server.close();
        await storage.close();
        process.exit(0);
      };
      process.once("SIGINT", stop).once("SIGTERM", stop);
    });

  program
    .command("report")
    .description("write one self-contained HTML file with a study's plots, trials and architectures")
    .option("--storage <url>", "sqlite:PATH", DEFAULT_STORAGE)
    .requiredOption("--study <name>", "study name")
    .requiredOption("--out <file.html>", "output file")
    .option("--ofa <dir>", "also embed a once-for-all supernet's phase curves and fronts; repeatable", collect, [])
    .action(async (options: { storage: string; study: string; out: string; ofa: string[] }) =>
      withStorage(options.storage, async (storage) => {
        const html = await renderReport(storage, options.study, options.ofa);
        writeFileSync(options.out, html);
        console.log(`wrote ${options.out} (${(html.length / 1e6).toFixed(1)} MB)`);
      }, { readonly: true }),
    );
}
