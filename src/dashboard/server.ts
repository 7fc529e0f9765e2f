import fastifyStatic from "@fastify/static";
import Fastify, { type FastifyInstance } from "fastify";
import type { Storage } from "../storage/storage.js";
import { NascentError } from "../core/errors.js";
import { MAX_STUDY_NAME_LENGTH } from "../core/study-name.js";
import { bundleDir } from "./bundle.js";
import { ofaPayload } from "./ofa-payload.js";
import { StudyCache } from "./payload.js";

export interface DashboardOptions {
  storage: Storage;
  host?: string;
  port?: number;
  /** Once-for-all supernet directories whose training and fronts the dashboard shows (read on every request). */
  ofa?: string[];
}

const SECURITY_HEADERS = {
  "content-security-policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};

/**
 * The read-only dashboard server: a JSON API over the storage and the built web app. It has GET routes
 * only, and serves files from the bundle folder alone.
 */
export async function startDashboard(options: DashboardOptions): Promise<{ server: FastifyInstance; url: string }> {
  const cache = new StudyCache(options.storage);
  const ofaDirs = options.ofa ?? [];
  for (const dir of ofaDirs) ofaPayload(dir);
  // Fastify's default of 100 characters per path parameter answered "Bad Request" for longer study names.
  const server = Fastify({ logger: false, routerOptions: { maxParamLength: 12 * MAX_STUDY_NAME_LENGTH + 100 } });
  server.addHook("onSend", async (_request, reply) => {
    reply.headers(SECURITY_HEADERS);
  });
  server.setErrorHandler((error, _request, reply) => {
    const status = error instanceof NascentError ? 404 : (error as { statusCode?: number }).statusCode ?? 500;
    void reply.status(status).send({ error: error instanceof Error ? error.message : String(error) });
  });

  server.get("/api/studies", async () => cache.list());
  server.get<{ Params: { name: string }; Querystring: { since?: string } }>("/api/studies/:name", async (request) => {
    const since = Number(request.query.since ?? 0);
    return cache.studyPayload(request.params.name, Number.isSafeInteger(since) && since >= 0 ? since : 0);
  });
  server.get<{ Params: { name: string }; Querystring: { since?: string } }>("/api/studies/:name/oneshot", async (request) => {
    const since = Number(request.query.since ?? 0);
    return cache.oneshotPayload(request.params.name, Number.isSafeInteger(since) && since >= 0 ? since : 0);
  });
  server.get("/api/ofa", async () => ofaDirs.map(ofaPayload));
  server.get<{ Params: { name: string; number: string } }>("/api/studies/:name/trials/:number", async (request, reply) => {
    const trial = await cache.trial(request.params.name, Number(request.params.number));
    if (!trial) return reply.status(404).send({ error: `no trial ${request.params.number}` });
    return trial;
  });
  await server.register(fastifyStatic, { root: bundleDir(), index: "index.html", dotfiles: "deny", wildcard: false });

  const host = options.host ?? "127.0.0.1";
  const address = await server.listen({ host, port: options.port ?? 8080 });
  return { server, url: address };
}
