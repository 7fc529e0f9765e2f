// Bundles the dashboard web app (Preact + ECharts) into dist/dashboard: index.html, app.js, app.css.
import { build } from "esbuild";
import { copyFileSync, mkdirSync } from "node:fs";

const out = "dist/dashboard";
mkdirSync(out, { recursive: true });
await build({
  entryPoints: ["src/dashboard/app/main.tsx"],
  bundle: true,
  minify: true,
  format: "iife",
  target: "es2020",
  jsx: "automatic",
  jsxImportSource: "preact",
  outfile: `${out}/app.js`,
  legalComments: "none",
  logLevel: "warning",
});
copyFileSync("src/dashboard/app/index.html", `${out}/index.html`);
copyFileSync("src/dashboard/app/style.css", `${out}/app.css`);
