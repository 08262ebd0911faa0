#!/bin/sh
# test-module-build.sh --build ORIG [--work DIR] [--klp-gen PATH] [--timeout N]
#
# The module step on the real kernel, independent of diff/extract: a
# hand-made patch.o (module-build/patch.c, compiled with clang-22 for the
# kernel's code model) replaces fs/proc/cmdline.c:cmdline_proc_show as
# klp_lto_new_0, calls the exported seq_printf and reads the non-exported
# saved_command_line through .klp.sym.vmlinux.saved_command_line,0;
# and replaces bm_status_read of the module binfmt_misc as klp_lto_new_1,
# reading its static bm_fs_type through .klp.sym.binfmt_misc.bm_fs_type,0.
# scripts/klp-build-module.sh builds it, with the hooks file
# module-build/hooks.c (callbacks + a shadow variable), into
# klp_module_test.ko; then:
#   host: the .klp.rela section, SHN_LIVEPATCH symbol and modinfo are
#         checked; a plan with a refuse line and a patch.o that names
#         saved_command_line directly (unresolvable) must both be refused,
#         leaving no module behind;
#   guest (module-build/guest.sh): the module as kbuild made it (before
#         finalize) does not load; the finalized one does, /proc/cmdline
#         shows the new text with the real command line (the livepatch
#         relocation works), the callbacks ran and the shadow variable
#         counts; binfmt_misc, loaded after the patch, gets patched (its
#         livepatch relocation is applied only then) and unpatched when
#         removed; after disable + rmmod the original texts are back and the
#         shadow variable was freed.
# Work files go to DIR (default ORIG/klp-tests/module-build).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
say() { echo "[test-module-build] $*"; }
die() { echo "[test-module-build] FAIL: $*" >&2; exit 1; }
usage() { die "usage: $0 --build ORIG [--work DIR] [--klp-gen PATH] [--timeout N]"; }

orig='' work='' klpgen=${KLP_GEN:-} timeout=180
while [ $# -gt 0 ]; do
	case $1 in
	--build) [ $# -ge 2 ] || usage; orig=$2; shift 2 ;;
	--work) [ $# -ge 2 ] || usage; work=$2; shift 2 ;;
	--klp-gen) [ $# -ge 2 ] || usage; klpgen=$2; shift 2 ;;
	--timeout) [ $# -ge 2 ] || usage; timeout=$2; shift 2 ;;
	*) usage ;;
	esac
done
[ -n "$orig" ] || usage
orig=$(cd "$orig" && pwd)
: "${work:=$orig/klp-tests/module-build}"
[ -n "$klpgen" ] || klpgen=$(command -v klp-gen 2>/dev/null || echo "$top/build/klp-gen/klp-gen")
[ -x "$klpgen" ] || die "klp-gen not found ($klpgen)"
PATH=/usr/lib/llvm-22/bin:$PATH
export PATH
bz=$orig/arch/x86/boot/bzImage
for f in vmlinux Module.symvers "$bz"; do
	case $f in /*) ;; *) f=$orig/$f ;; esac
	[ -f "$f" ] || die "$f missing: not a finished kernel build"
done
name=klp_module_test
src=$here/module-build
rm -rf "$work"
mkdir -p "$work"
work=$(cd "$work" && pwd)

# The function's kallsyms name: ThinLTO may have promoted and renamed it.
old=$(llvm-nm "$orig/vmlinux" | awk '$2 ~ /^[tT]$/ && $3 ~ /^cmdline_proc_show(\.llvm\.[0-9]+)?$/ { print $3 }')
[ "$(echo "$old" | grep -c .)" = 1 ] ||
	die "expected one cmdline_proc_show in $orig/vmlinux, found: '$old'"
say "replacing $old"
# The test means something only if saved_command_line is not exported.
! grep -q '	saved_command_line	' "$orig/Module.symvers" ||
	die "saved_command_line is exported by this kernel; the .klp.sym reference would prove nothing"

# The module object: binfmt_misc (CONFIG_BINFMT_MISC=m), loaded in the guest
# only after the patch, so its livepatch relocations wait for it.
bm=$orig/fs/binfmt_misc.ko
[ -f "$bm" ] || die "$bm missing (the test needs CONFIG_BINFMT_MISC=m)"
llvm-nm "$bm" | grep -q ' t bm_status_read$' || die "$bm has no local bm_status_read"
llvm-nm "$bm" | grep -q ' d bm_fs_type$' || die "$bm has no local bm_fs_type"

cat > "$work/plan" <<EOF
klp-plan 1
object vmlinux
replace $old sympos=0 new=cmdline_proc_show reason=changed
object binfmt_misc
replace bm_status_read sympos=0 new=bm_status_read reason=changed
EOF

# The kernel's code model and ABI: no red zone, no SSE, kernel cmodel, IBT
# landing pads (CONFIG_X86_KERNEL_IBT), 8-byte stack alignment.
cflags="--target=x86_64-linux-gnu -O2 -ffreestanding -nostdinc -fno-pic -mcmodel=kernel
	-mno-red-zone -mno-sse -mno-mmx -mno-sse2 -mno-avx -mstack-alignment=8
	-fcf-protection=branch -fno-asynchronous-unwind-tables -fno-stack-protector
	-ffunction-sections -fdata-sections -fno-common -Wall -Werror"
# shellcheck disable=SC2086
clang-22 $cflags -c "$src/patch.c" -o "$work/patch.o" || die "cannot compile $src/patch.c"
# shellcheck disable=SC2086
clang-22 $cflags -DKLP_TEST_PLAIN_NAME -c "$src/patch.c" -o "$work/plain.o" ||
	die "cannot compile $src/patch.c -DKLP_TEST_PLAIN_NAME"
llvm-nm "$work/patch.o" | grep -q ' U \.klp\.sym\.vmlinux\.saved_command_line,0$' ||
	die "patch.o has no undefined .klp.sym.vmlinux.saved_command_line,0"

# --- host checks: refusals leave nothing behind ---
# (A failed klp-build-module.sh keeps its build dir for debugging: in $work.)
TMPDIR=$work
export TMPDIR
{ cat "$work/plan"; echo "refuse a test refusal"; } > "$work/refused.plan"
if "$top/scripts/klp-build-module.sh" --kernel-build "$orig" --plan "$work/refused.plan" \
	--object "$work/patch.o" --name "$name" -o "$work/refused.ko" --klp-gen "$klpgen" \
	> "$work/refused.log" 2>&1; then
	die "a plan with a refuse line was built (log: $work/refused.log)"
fi
[ ! -e "$work/refused.ko" ] || die "a refused build left $work/refused.ko"
grep -q 'refuses the patch' "$work/refused.log" || die "refusal not explained (log: $work/refused.log)"
say "plan with a refuse line: refused"

if "$top/scripts/klp-build-module.sh" --kernel-build "$orig" --plan "$work/plan" \
	--object "$work/plain.o" --name "$name" -o "$work/plain.ko" --klp-gen "$klpgen" \
	> "$work/plain.log" 2>&1; then
	die "a patch.o with the unresolvable symbol saved_command_line was built (log: $work/plain.log)"
fi
[ ! -e "$work/plain.ko" ] || die "a refused build left $work/plain.ko"
grep -q 'saved_command_line' "$work/plain.log" || die "refusal does not name saved_command_line (log: $work/plain.log)"
say "unresolvable plain symbol: refused: $(grep -m1 'saved_command_line' "$work/plain.log")"

# --- the module ---
t0=$(date +%s)
"$top/scripts/klp-build-module.sh" --kernel-build "$orig" --plan "$work/plan" \
	--object "$work/patch.o" --hooks "$src/hooks.c" --name "$name" -o "$work/$name.ko" \
	--klp-gen "$klpgen" --keep "$work/kbuild" || die "module build failed"
say "module built in $(( $(date +%s) - t0 )) s, $(wc -c < "$work/$name.ko") bytes"
# The same patch again under another name: the atomic replace of the first
# (both are --replace, klp-build-module.sh's default), which takes over the
# shadow variables of the first's hooks file.
"$top/scripts/klp-build-module.sh" --kernel-build "$orig" --plan "$work/plan" \
	--object "$work/patch.o" --hooks "$src/hooks.c" --name "${name}2" -o "$work/${name}2.ko" \
	--replace --klp-gen "$klpgen" || die "module build of ${name}2 failed"

ko=$work/$name.ko
llvm-readelf -S -s -r "$ko" > "$work/readelf.txt"
grep -Eq '\.klp\.rela\.vmlinux\.\.text\.klp_lto_new_0 +RELA +[0-9a-f]+ [0-9a-f]+ [0-9a-f]+ 18 +AIo ' "$work/readelf.txt" ||
	die "no .klp.rela.vmlinux..text.klp_lto_new_0 (RELA, flags AIo) in $ko (see $work/readelf.txt)"
grep -Eq 'R_X86_64_PC32 +0+ \.klp\.sym\.vmlinux\.saved_command_line,0 - 4' "$work/readelf.txt" ||
	die "no PC32 livepatch relocation against saved_command_line (see $work/readelf.txt)"
grep -Eq 'GLOBAL +DEFAULT +OS\[0xff20\] \.klp\.sym\.vmlinux\.saved_command_line,0$' "$work/readelf.txt" ||
	die "the .klp.sym symbol is not SHN_LIVEPATCH (see $work/readelf.txt)"
grep -Eq '\.klp\.rela\.binfmt_misc\.\.text\.klp_lto_new_1 +RELA +[0-9a-f]+ [0-9a-f]+ [0-9a-f]+ 18 +AIo ' "$work/readelf.txt" ||
	die "no .klp.rela.binfmt_misc..text.klp_lto_new_1 (RELA, flags AIo) in $ko (see $work/readelf.txt)"
grep -Eq 'GLOBAL +DEFAULT +OS\[0xff20\] \.klp\.sym\.binfmt_misc\.bm_fs_type,0$' "$work/readelf.txt" ||
	die "the .klp.sym symbol of binfmt_misc is not SHN_LIVEPATCH (see $work/readelf.txt)"
if grep -E 'UND \.klp\.sym' "$work/readelf.txt"; then die "undefined .klp.sym symbols left"; fi
# (llvm-objcopy rejects SHN_LIVEPATCH symbols; readelf's string dump will do.)
llvm-readelf -p .modinfo "$ko" | grep -Eq '\] +livepatch=Y$' || die "no livepatch=Y in .modinfo"
say "host checks passed"

# --- the guest ---
"$here/qemu-run.sh" --kernel "$bz" --script "$src/guest.sh" \
	--add "$ko:/klp.ko" --add "$work/kbuild/$name.ko:/raw.ko" --add "$bm:/binfmt_misc.ko" \
	--add "$work/${name}2.ko:/klp2.ko" \
	--log "$work/console.log" --timeout "$timeout" --quiet ||
	die "guest checks failed; console: $work/console.log"
grep -E '^(PASS|FAIL): ' "$work/console.log"
say "PASS"
