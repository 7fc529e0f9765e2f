// Where libtorch is: LIBTORCH=DIR (an official libtorch download, CPU or CUDA) or Debian's libtorch-dev.
// `node scripts/torch-paths.mjs include|libdir` prints what binding.gyp needs; exit code 1 when not found.
import { existsSync } from "node:fs";
import { join } from "node:path";

export function findLibtorch(env = process.env) {
  if (env.LIBTORCH) {
    const root = env.LIBTORCH;
    const header = join(root, "include/torch/csrc/api/include/torch/torch.h");
    if (!existsSync(header)) return { found: false, reason: `LIBTORCH=${root} has no include/torch/csrc/api/include/torch/torch.h` };
    return { found: true, source: `LIBTORCH=${root}`, include: [join(root, "include"), join(root, "include/torch/csrc/api/include")], libdir: join(root, "lib") };
  }
  const debianHeader = "/usr/include/torch/csrc/api/include/torch/torch.h";
  const libdirs = ["/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib"];
  const libdir = libdirs.find((dir) => existsSync(join(dir, "libtorch_cpu.so")));
  if (!existsSync(debianHeader) || !libdir) return { found: false, reason: "libtorch not found (no LIBTORCH=DIR and no Debian libtorch-dev)" };
  return { found: true, source: "Debian libtorch-dev", include: ["/usr/include", "/usr/include/torch/csrc/api/include"], libdir };
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const found = findLibtorch();
  if (!found.found) process.exit(1);
  const what = process.argv[2];
  console.log(what === "libdir" ? found.libdir : found.include.join(" "));
}
