import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Storage } from "../storage/storage.js";
import { bundleDir } from "./bundle.js";
import { ofaPayload } from "./ofa-payload.js";
import { oneshotMethod } from "./oneshot-method.js";
import { StudyCache } from "./payload.js";

/** JSON safe inside a <script> element: no `</script>` or `<!--` can end it early. */
function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

/**
 * One self-contained HTML file with a study's plots, trials and architectures, readable offline; with `ofa`,
 * also those once-for-all supernets' phase curves and fronts; a one-shot study also carries its alpha per epoch.
 */
export async function renderReport(storage: Storage, studyName: string, ofa: string[] = []): Promise<string> {
  const cache = new StudyCache(storage);
  const study = await cache.study(studyName);
  const list = (await cache.list()).filter((s) => s.name === studyName);
  const payload = await cache.studyPayload(studyName, 0);
  const trials = await study.trials();
  const oneshot = oneshotMethod(study.spec) === null ? null : await cache.oneshotPayload(studyName, 0);
  const dir = bundleDir();
  const js = readFileSync(join(dir, "app.js"), "utf8").replace(/<\/script/gi, "<\\/script");
  const css = readFileSync(join(dir, "app.css"), "utf8");
  const title = studyName.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<title>nascent report: ${title}</title>
<style>${css}</style>
</head>
<body>
<div id="app"></div>
<script id="nascent-report" type="application/json">${scriptSafeJson({ list, payload, trials, ofa: ofa.map((dir) => ofaPayload(dir)), oneshot })}</script>
<script>${js}</script>
</body>
</html>
`;
}
