import { createRequire } from "node:module";
import { dirname } from "node:path";
import fastifyStatic from "@fastify/static";
import Fastify, { type FastifyInstance } from "fastify";
import type { Browser, Page } from "playwright-core";
import { exportOnnx, type WeightMap } from "../../export/onnx/export.js";
import type { Layer, Shape } from "../../nn/layers.js";
import { NascentError } from "../../core/errors.js";
import type { DeviceDescription, LatencyDevice, PreparedNetwork } from "./device.js";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** What differs between the browser devices: onnxruntime-web's bundle, its execution provider, Chromium's flags. */
export interface ChromiumBackend {
  name: string;
  runtime: string;
  bundle: string;
  provider: "wasm" | "webgpu";
  flags: string[];
  /** Playwright's default arguments to leave out (its `--headless` where the flags choose a headless mode). */
  ignoreDefaultArgs?: string[];
  /** Resolves to why the page cannot run this backend, or null when it can. */
  unavailable?: (page: Page) => Promise<string | null>;
}

export const WASM_BACKEND: ChromiumBackend = {
  name: "chromium-wasm",
  runtime: "onnxruntime-web wasm (1 thread) in headless Chromium",
  bundle: "ort.wasm.min.mjs",
  provider: "wasm",
  flags: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
};

/** The page: loads onnxruntime-web (wasm: 1 thread), creates sessions from served models, times runs inside the page. */
const pageHtml = (backend: ChromiumBackend) => `<!doctype html><meta charset="utf-8"><script type="module">
import * as ort from "/ort/${backend.bundle}";
ort.env.wasm.wasmPaths = "/ort/";
ort.env.wasm.numThreads = 1;
const sessions = new Map();
window.nascent = {
  version: ort.env.versions.web,
  async load(id, shape) {
    const bytes = new Uint8Array(await (await fetch("/model/" + id)).arrayBuffer());
    const session = await ort.InferenceSession.create(bytes, { executionProviders: ["${backend.provider}"], graphOptimizationLevel: "all" });
    const size = shape.reduce((a, b) => a * b, 1);
    sessions.set(id, { session, feeds: { [session.inputNames[0]]: new ort.Tensor("float32", new Float32Array(size).fill(0.5), shape) } });
  },
  async run(id) {
    const { session, feeds } = sessions.get(id);
    const t0 = performance.now();
    const out = await session.run(feeds);
    const ms = performance.now() - t0;
    for (const t of Object.values(out)) t.dispose?.();
    return ms;
  },
  async logits(id, data, shape) {
    const { session } = sessions.get(id);
    const out = await session.run({ [session.inputNames[0]]: new ort.Tensor("float32", Float32Array.from(data), shape) });
    return Array.from(out[session.outputNames[0]].data);
  },
  async release(id) { await sessions.get(id)?.session.release(); sessions.delete(id); },
};
window.nascentReady = true;
</script>`;

/**
 * onnxruntime-web's wasm backend in headless Chromium (Debian's /usr/bin/chromium driven by playwright-core):
 * the runtime a web app's users run. Models and onnxruntime-web's files are served by a local fastify server;
 * each run is timed inside the page, so the DevTools round trip is not counted.
 */
export class ChromiumWasmDevice implements LatencyDevice {
  readonly name: string;
  readonly inProcess = false;
  private started: Promise<{ server: FastifyInstance; browser: Browser; page: Page; origin: string; version: string }> | undefined;
  private readonly models = new Map<string, Uint8Array>();
  private nextId = 0;

  constructor(private readonly backend: ChromiumBackend = WASM_BACKEND) {
    this.name = backend.name;
  }

  describe(): DeviceDescription {
    return { device: this.name, runtime: this.backend.runtime, cpu: "host CPU via Chromium", threads: 1, browser: CHROMIUM_PATH };
  }

  private start() {
    this.started ??= (async () => {
      let chromium;
      let ortDir: string;
      try {
        ({ chromium } = await import("playwright-core"));
        ortDir = dirname(createRequire(import.meta.url).resolve("onnxruntime-web"));
      } catch {
        throw new NascentError(`device ${this.name} needs the npm packages playwright-core and onnxruntime-web (npm install playwright-core onnxruntime-web)`);
      }
      const server = Fastify();
      server.get("/", (_request, reply) => reply.type("text/html").send(pageHtml(this.backend)));
      server.get<{ Params: { id: string } }>("/model/:id", (request, reply) => {
        const bytes = this.models.get(request.params.id);
        return bytes ? reply.type("application/octet-stream").send(Buffer.from(bytes)) : reply.code(404).send();
      });
      await server.register(fastifyStatic, { root: ortDir, prefix: "/ort/" });
      const origin = await server.listen({ host: "127.0.0.1", port: 0 });
      const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: this.backend.flags, ignoreDefaultArgs: this.backend.ignoreDefaultArgs ?? [] });
      const page = await browser.newPage();
      await page.goto(origin);
      const reason = await this.backend.unavailable?.(page);
      if (reason) {
        await browser.close();
        await server.close();
        throw new NascentError(`device ${this.name} is not available here: ${reason}`);
      }
      await page.waitForFunction(() => (globalThis as unknown as { nascentReady?: boolean }).nascentReady === true, undefined, { timeout: 60_000 });
      const version = await page.evaluate(() => (globalThis as unknown as { nascent: { version: string } }).nascent.version);
      return { server, browser, page, origin, version };
    })();
    return this.started;
  }

  /** Loads a model into the page; returns its id. */
  async load(model: Uint8Array, shape: number[]): Promise<{ id: string; page: Page }> {
    const { page } = await this.start();
    const id = String(this.nextId++);
    this.models.set(id, model);
    await page.evaluate(([i, s]) => (globalThis as unknown as { nascent: { load(id: string, shape: number[]): Promise<void> } }).nascent.load(i, s), [id, shape] as const);
    return { id, page };
  }

  async prepare(network: Layer, input: Shape, weights: WeightMap): Promise<PreparedNetwork> {
    const { id, page } = await this.load(exportOnnx(network, input, weights), [1, ...input]);
    type Api = { nascent: { run(id: string): Promise<number>; release(id: string): Promise<void> } };
    return {
      run: () => page.evaluate((i) => (globalThis as unknown as Api).nascent.run(i), id),
      close: async () => {
        await page.evaluate((i) => (globalThis as unknown as Api).nascent.release(i), id);
        this.models.delete(id);
      },
    };
  }

  async close(): Promise<void> {
    if (!this.started) return;
    const { server, browser } = await this.started;
    await browser.close();
    await server.close();
    this.started = undefined;
  }
}
