#!/usr/bin/env bash
# Runs a command as on a machine without libtorch: in a private mount namespace (unshare -m, root only), an
# empty tmpfs hides Debian's headers (/usr/include/torch) and /dev/null is bound over every libtorch and c10
# shared library, so the install finds no libtorch and nothing can load it. The machine itself is unchanged.
#   sudo scripts/without-libtorch.sh bash -c 'ONNXRUNTIME_NODE_INSTALL=skip npm ci && npm test'
set -euo pipefail
if [ "${NASCENT_WITHOUT_LIBTORCH:-}" != 1 ]; then
  exec unshare -m --propagation private env NASCENT_WITHOUT_LIBTORCH=1 "$0" "$@"
fi
[ -d /usr/include/torch ] && mount -t tmpfs -o size=1m,ro none /usr/include/torch
for lib in /usr/lib/*-linux-gnu/libtorch*.so* /usr/lib/*-linux-gnu/libc10*.so* /usr/lib/libtorch*.so* /usr/lib/libc10*.so*; do
  [ -f "$lib" ] && [ ! -L "$lib" ] && mount --bind /dev/null "$lib"
done
exec "$@"
