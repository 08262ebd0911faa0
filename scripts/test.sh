#!/bin/sh
# The project's test command (README, .ci/run): builds the plugin and klp-gen,
# runs the lit suite, then the real-kernel tests (Linux 6.12 under QEMU).
#   KLP_SKIP_KERNEL=1  only the lit suite
#   KLP_WORK=DIR       where kernel trees and builds go (default: $HOME/.cache/klp-lto)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${KLP_BUILD:-$top/build}

echo "[test] configure and build in $build"
cmake -S "$top" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C "$build"

echo "[test] lit suite"
ninja -C "$build" check-klp

if [ "${KLP_SKIP_KERNEL:-0}" = 1 ]; then
	echo "[test] kernel tests skipped (KLP_SKIP_KERNEL=1)"
	exit 0
fi
echo "[test] real-kernel tests"
"$top/test/kernel/run-all.sh" --build "$build"
