import type { Page } from "playwright-core";
import type { ChromiumBackend } from "./chromium-wasm.js";

/**
 * onnxruntime-web's WebGPU backend in headless Chromium: the web app's GPU path. Chromium offers a WebGPU
 * adapter only in a secure context (the local server is http://127.0.0.1) and with WebGPU enabled; without a
 * GPU, `--use-webgpu-adapter=swiftshader` gives SwiftShader's software Vulkan adapter (a CPU device that runs
 * the WebGPU code path). Where no adapter is offered the device refuses to start and says why.
 */
export const WEBGPU_BACKEND: ChromiumBackend = {
  name: "chromium-webgpu",
  runtime: "onnxruntime-web webgpu in headless Chromium",
  bundle: "ort.webgpu.min.mjs",
  provider: "webgpu",
  flags: ["--headless=new", "--no-sandbox", "--enable-unsafe-webgpu", "--use-webgpu-adapter=swiftshader", "--enable-features=Vulkan", "--disable-background-networking"],
  ignoreDefaultArgs: ["--headless"],
  unavailable: (page: Page) =>
    page.evaluate(async () => {
      const gpu = ((globalThis as unknown as { navigator: unknown }).navigator as { gpu?: { requestAdapter(): Promise<{ info?: { vendor: string; architecture: string } } | null> } }).gpu;
      if (!gpu) return "Chromium exposes no navigator.gpu (WebGPU disabled in this build)";
      const adapter = await gpu.requestAdapter().catch(() => null);
      return adapter ? null : "Chromium offers no WebGPU adapter (no GPU, and SwiftShader's Vulkan adapter did not start)";
    }),
};
