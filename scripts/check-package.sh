#!/usr/bin/env bash
# What a user gets: packs nascent, installs the tarball in a fresh temporary project with no .npmrc and no
# ONNX Runtime install flags (only the npm registry reachable), and runs search (NB201 and NB301), report
# and dashboard from that install. Exits non-zero on the first thing that does not work.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
dashboard_pid=""
cleanup() {
  if [ -n "$dashboard_pid" ]; then kill "$dashboard_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
step() { printf '\n== %s\n' "$*"; }

step "npm pack"
cd "$root"
tarball="$work/$(npm pack --silent --pack-destination "$work" | tail -n 1)"
contents=$(tar tzf "$tarball")
for file in package/dist/src/cli/main.js package/dist/dashboard/app.js package/dist/dashboard/index.html package/data/nb301/model_v2.onnx package/LICENSE; do
  grep -qx "$file" <<<"$contents" || { echo "the package lacks $file"; exit 1; }
done

step "npm install the tarball in a fresh project"
mkdir "$work/project"
cd "$work/project"
npm init -y >/dev/null
env -u ONNXRUNTIME_NODE_INSTALL -u ONNXRUNTIME_NODE_INSTALL_CUDA -u npm_config_onnxruntime_node_install \
  npm install --no-audit --no-fund --prefer-offline "$tarball" >install.log 2>&1 || { cat install.log; exit 1; }
if grep -q "Unknown project config" install.log; then cat install.log; exit 1; fi
nascent=./node_modules/.bin/nascent
node --input-type=module -e 'import("onnxruntime-node").then(() => console.log("ONNX Runtime: native (onnxruntime-node)"), () => console.log("ONNX Runtime: WebAssembly (onnxruntime-web; onnxruntime-node did not install)"))'

step "nascent --version, search, report, dashboard"
"$nascent" --version
"$nascent" search --space nb201 --benchmark nb201:cifar10 --strategy evolution --trials 30 --storage sqlite:s.db --study nb201 --json | tail -n 1
"$nascent" search --space nb301 --benchmark nb301 --trials 5 --storage sqlite:s.db --study nb301 --json | tail -n 1
"$nascent" best --storage sqlite:s.db --study nb301
"$nascent" report --storage sqlite:s.db --study nb201 --out report.html
grep -q '<script id="nascent-report"' report.html
"$nascent" dashboard --storage sqlite:s.db --port 0 >dashboard.log 2>&1 &
dashboard_pid=$!
for _ in $(seq 100); do grep -q "^nascent dashboard on" dashboard.log && break; sleep 0.1; done
url=$(sed -n 's/^nascent dashboard on \([^ ]*\).*/\1/p' dashboard.log)
[ -n "$url" ] || { cat dashboard.log; exit 1; }
node --input-type=module -e '
const url = process.argv[1];
const studies = await (await fetch(`${url}/api/studies`)).json();
if (!studies.some((s) => s.name === "nb301")) throw new Error(`no nb301 study in ${JSON.stringify(studies)}`);
const page = await (await fetch(`${url}/`)).text();
if (!page.includes("app.js")) throw new Error("the dashboard page does not load its bundle");
console.log(`dashboard at ${url} lists ${studies.length} studies`);
' "$url"
step "the installed package works"
