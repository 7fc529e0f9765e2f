import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { NascentError } from "../core/errors.js";

/** The built web app (dist/dashboard), next to the compiled server in dist/src/dashboard. */
export function bundleDir(): string {
  const dir = fileURLToPath(new URL("../../dashboard/", import.meta.url));
  if (!existsSync(`${dir}/index.html`)) throw new NascentError(`the dashboard bundle is missing from ${dir}: run npm run build`);
  return dir;
}
