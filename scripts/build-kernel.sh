#!/bin/sh
# build-kernel.sh --src DIR --out DIR [--plugin PATH] [--config-extra FILE] [--patch FILE]...
#
# Builds vmlinux, modules and bzImage of Linux 6.12 with clang-22/ld.lld-22
# ThinLTO into the output dir --out (O=), optionally with the klp-lto plugin.
#   --src DIR           source tree; made by scripts/kernel-src.sh (pristine
#                       + kbuild patch + every --patch) unless it is an
#                       existing tree, which is then patched in place
#                       (idempotently)
#   --out DIR           O= output dir (created)
#   --plugin PATH       KLP_PLUGIN=PATH (made absolute; must exist)
#   --config-extra FILE Kconfig fragment merged after the base list below;
#                       every line in it is verified afterwards too
#   --patch FILE        extra source patch (-p1), repeatable
# Rerunning with the same arguments only rebuilds what changed.
# Writes OUT/build.log (make output) and OUT/klp-lto.plugin (the plugin used,
# empty for none) so that external module builds can use the same plugin.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
LLVM_SUFFIX=-22
LLVM_MAJOR=22

say() { echo "[build-kernel] $*"; }
die() { echo "[build-kernel] ERROR: $*" >&2; exit 1; }
usage() { die "usage: $0 --src DIR --out DIR [--plugin PATH] [--config-extra FILE] [--patch FILE]..."; }

src= out= plugin= extra=
npatch=0
while [ $# -gt 0 ]; do
	case $1 in
	--src) [ $# -ge 2 ] || usage; src=$2; shift 2 ;;
	--out) [ $# -ge 2 ] || usage; out=$2; shift 2 ;;
	--plugin) [ $# -ge 2 ] || usage; plugin=$2; shift 2 ;;
	--config-extra) [ $# -ge 2 ] || usage; extra=$2; shift 2 ;;
	--patch) [ $# -ge 2 ] || usage; [ -f "$2" ] || die "patch not found: $2"
		eval "patch_$npatch=\$2"; npatch=$((npatch + 1)); shift 2 ;;
	-h|--help) sed -n '2,17p' "$0"; exit 0 ;;
	*) usage ;;
	esac
done
[ -n "$src" ] && [ -n "$out" ] || usage

# --- toolchain and host packages: fail before spending minutes on a build ---
need() { # need TOOL PACKAGE
	command -v "$1" >/dev/null 2>&1 || die "'$1' not found; install Debian package $2 (scripts/setup.sh)"
}
for t in clang ld.lld llvm-ar llvm-nm llvm-objcopy llvm-objdump llvm-readelf llvm-strip; do
	case $t in clang) pkg=clang-$LLVM_MAJOR ;; ld.lld) pkg=lld-$LLVM_MAJOR ;; *) pkg=llvm-$LLVM_MAJOR ;; esac
	need "$t$LLVM_SUFFIX" "$pkg"
done
need make make; need bc bc; need flex flex; need bison bison; need perl perl
need xz xz-utils; need patch patch; need cpio cpio
for h in /usr/include/openssl/opensslv.h:libssl-dev /usr/include/libelf.h:libelf-dev /usr/include/zlib.h:zlib1g-dev; do
	[ -f "${h%%:*}" ] || die "${h%%:*} missing; install Debian package ${h#*:}"
done
cv=$(clang$LLVM_SUFFIX --version | head -1)
lv=$(ld.lld$LLVM_SUFFIX --version | head -1)
case $cv in *"clang version $LLVM_MAJOR."*) ;; *) die "clang$LLVM_SUFFIX is not LLVM $LLVM_MAJOR: $cv" ;; esac
case $lv in *"LLD $LLVM_MAJOR."*) ;; *) die "ld.lld$LLVM_SUFFIX is not LLD $LLVM_MAJOR: $lv" ;; esac
say "compiler: $cv"
say "linker:   $lv"

if [ -n "$plugin" ]; then
	[ -f "$plugin" ] || die "plugin not found: $plugin"
	plugin=$(cd "$(dirname "$plugin")" && pwd)/$(basename "$plugin")
	say "plugin:   $plugin"
fi
if [ -n "$extra" ]; then
	[ -f "$extra" ] || die "config fragment not found: $extra"
	extra=$(cd "$(dirname "$extra")" && pwd)/$(basename "$extra")
fi

# --- source tree ---
set --
i=0
while [ $i -lt $npatch ]; do eval "set -- \"\$@\" \"\$patch_$i\""; i=$((i + 1)); done
"$top/scripts/kernel-src.sh" "$src" "$@"
src=$(cd "$src" && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)
case $out/ in "$src"/*) die "--out must not be inside --src (kbuild O= needs a separate dir)" ;; esac

kmake() { make -C "$src" O="$out" LLVM=$LLVM_SUFFIX "$@"; }

# --- configuration ---
# The base list: tinyconfig + what booting under QEMU, modules and
# livepatch need, with ThinLTO.  WERROR stays off so that warnings are
# reported (and counted below) rather than stopping the build.
# UNWINDER_ORC (+ STACKTRACE) gives HAVE_RELIABLE_STACKTRACE, without which
# livepatch has no consistency model and transitions never complete
# (tinyconfig picks UNWINDER_GUESS).  JUMP_LABEL: static keys, whose
# __jump_table entries a live patch must carry; BINFMT_MISC=m: a small
# loadable module for the module-patching tests.
frag=$out/klp-lto-base.config
cat > "$frag.new" <<'EOF'
CONFIG_64BIT=y
CONFIG_PRINTK=y
CONFIG_TTY=y
CONFIG_SERIAL_8250=y
CONFIG_SERIAL_8250_CONSOLE=y
CONFIG_BLK_DEV_INITRD=y
CONFIG_RD_GZIP=y
CONFIG_BINFMT_ELF=y
CONFIG_BINFMT_SCRIPT=y
CONFIG_PROC_FS=y
CONFIG_PROC_SYSCTL=y
CONFIG_SYSFS=y
CONFIG_DEVTMPFS=y
CONFIG_DEVTMPFS_MOUNT=y
CONFIG_MODULES=y
CONFIG_MODULE_UNLOAD=y
CONFIG_KALLSYMS=y
CONFIG_KALLSYMS_ALL=y
CONFIG_FTRACE=y
CONFIG_FUNCTION_TRACER=y
CONFIG_DYNAMIC_FTRACE=y
CONFIG_STACKTRACE=y
CONFIG_UNWINDER_ORC=y
CONFIG_LIVEPATCH=y
CONFIG_JUMP_LABEL=y
CONFIG_BINFMT_MISC=m
CONFIG_LTO_CLANG_THIN=y
CONFIG_DEBUG_INFO_DWARF5=y
CONFIG_MULTIUSER=y
CONFIG_FUTEX=y
CONFIG_EPOLL=y
CONFIG_SHMEM=y
CONFIG_TMPFS=y
# CONFIG_WERROR is not set
EOF
mv "$frag.new" "$frag"

# Regenerate .config every time (cheap), but put the old file back when the
# result is identical so its mtime does not make kbuild resync the config.
[ -f "$out/.config" ] && cp -p "$out/.config" "$out/.config.klp-prev"
say "configuring: tinyconfig + $frag${extra:+ + $extra}"
kmake -s tinyconfig >/dev/null
"$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" "$frag" ${extra:+"$extra"} >"$out/merge_config.log" 2>&1 ||
	{ cat "$out/merge_config.log" >&2; die "merge_config.sh failed"; }
kmake -s olddefconfig >/dev/null
if [ -f "$out/.config.klp-prev" ]; then
	if cmp -s "$out/.config" "$out/.config.klp-prev"; then
		mv "$out/.config.klp-prev" "$out/.config"
		say "config unchanged"
	else
		rm -f "$out/.config.klp-prev"
		say "config changed"
	fi
fi

# Kconfig silently drops options whose dependencies are unmet: check every
# requested line made it into the final .config.
bad=0
for f in "$frag" ${extra:+"$extra"}; do
	while IFS= read -r line; do
		case $line in
		CONFIG_*=*)
			grep -qxF "$line" "$out/.config" || {
				echo "[build-kernel] ERROR: requested $line, got: $(grep -E "^(# )?${line%%=*}[= ]" "$out/.config" || echo 'absent')" >&2
				bad=1; } ;;
		"# CONFIG_"*" is not set")
			sym=${line#\# }; sym=${sym%% *}
			if grep -qE "^$sym=" "$out/.config"; then
				echo "[build-kernel] ERROR: requested '$line', got: $(grep -E "^$sym=" "$out/.config")" >&2
				bad=1
			fi ;;
		esac
	done < "$f"
done
[ $bad = 0 ] || die "Kconfig did not keep the requested options (see above)"
say "config verified ($(grep -c '=y$' "$out/.config") options =y)"

# --- build ---
printf '%s\n' "$plugin" > "$out/klp-lto.plugin"
jobs=$(nproc)
say "make -j$jobs vmlinux modules bzImage${plugin:+ KLP_PLUGIN=$plugin} (log: $out/build.log)"
t0=$(date +%s)
set -- vmlinux modules bzImage
[ -z "$plugin" ] || set -- "$@" KLP_PLUGIN="$plugin"
# Keep make's exit status despite the pipe through tee.
status=$out/.build-status
{ kmake -j"$jobs" "$@" 2>&1; echo $? > "$status"; } | tee "$out/build.log" |
	grep --line-buffered -E 'warning|error|LTO|LD |OBJTOOL|MODPOST|Kernel: ' || true
rc=$(cat "$status")
t1=$(date +%s)
[ "$rc" = 0 ] || die "make failed (exit $rc) after $((t1 - t0)) s; see $out/build.log"
say "build done in $((t1 - t0)) s"

nwarn=$(grep -c -i 'warning' "$out/build.log" || true)
nklp=$(grep -i 'warning' "$out/build.log" | grep -c -i 'klp' || true)
say "warnings in build.log: $nwarn (mentioning klp: $nklp)"
[ "$nklp" = 0 ] || grep -i 'warning' "$out/build.log" | grep -i klp | sed 's/^/[build-kernel]   /'
say "bzImage: $out/arch/x86/boot/bzImage"
