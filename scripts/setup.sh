#!/bin/sh
# Installs every Debian package klp-lto, its tests and its kernel tests need.
# Debian bookworm; run as root (or through sudo).  Safe to run again.
set -eu
SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends \
	clang-22 lld-22 llvm-22-dev llvm-22-tools libclang-rt-22-dev \
	cmake make ninja-build gcc libc6-dev libelf-dev zlib1g-dev libdeflate-dev pkg-config python3 \
	linux-source-6.12 bc flex bison libssl-dev cpio xz-utils zstd kmod rsync patch perl \
	qemu-system-x86 busybox-static valgrind time
echo "setup: done"
