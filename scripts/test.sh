#!/bin/sh
# The project's test command (README, .ci/run): builds the plugin and klp-gen,
# runs the lit suite, then the real-kernel tests (Linux 6.12 under QEMU).
#   KLP_SKIP_KERNEL=1  only the lit suite
#   KLP_SKIP_CORPUS=1  no real-fix corpus sample in the kernel tests (bench/corpus)
#   KLP_KERNEL_CONFIG=NAME  the kernel tests on test/kernel/configs/NAME.config
#                      (run-all.sh --config NAME; e.g. broad, not the default)
#   KLP_WORK=DIR       where kernel trees and builds go (default: $HOME/.cache/klp-lto)
#   KLP_FUZZ_SECONDS=N length of the fuzzing run, all harnesses (default 60)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${KLP_BUILD:-$top/build}

echo "[test] configure and build in $build"
cmake -S "$top" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C "$build"

echo "[test] lit suite"
ninja -C "$build" check-klp

# The same suite with klp-gen built by clang-22 with ASan + UBSan, plus
# test/tsan: the plugin built with ThreadSanitizer under lld's parallel
# ThinLTO backends; then a bounded libFuzzer run of every harness
# (test/fuzz/run-fuzz.sh: record, ELF model, plan, Module.symvers).
san=${KLP_SAN_BUILD:-$build-san}
echo "[test] sanitizer build in $san (ASan + UBSan + libFuzzer, TSan plugin)"
# A build directory configured with other compilers cannot be switched over.
if [ -f "$san/CMakeCache.txt" ] &&
   ! grep -q '^CMAKE_CXX_COMPILER:.*clang++-22$' "$san/CMakeCache.txt"; then
	rm -rf "$san/CMakeCache.txt" "$san/CMakeFiles"
fi
cmake -S "$top" -B "$san" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	-DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
	-DKLP_SANITIZE=address,undefined -DKLP_FUZZ=ON -DKLP_PLUGIN_TSAN=ON >/dev/null
ninja -C "$san"
echo "[test] lit suite with the sanitizer build"
ninja -C "$san" check-klp
echo "[test] fuzzing (KLP_FUZZ_SECONDS=${KLP_FUZZ_SECONDS:-60} in all)"
"$top/test/fuzz/run-fuzz.sh" --build "$san" --seconds "${KLP_FUZZ_SECONDS:-60}"

if [ "${KLP_SKIP_KERNEL:-0}" = 1 ]; then
	echo "[test] kernel tests skipped (KLP_SKIP_KERNEL=1)"
	exit 0
fi
echo "[test] real-kernel tests"
"$top/test/kernel/run-all.sh" --build "$build" ${KLP_KERNEL_CONFIG:+--config "$KLP_KERNEL_CONFIG"}
