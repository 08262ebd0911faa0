#!/bin/sh
# klp-build-module.sh --kernel-build ORIG --plan PLAN --object PATCH.o [--object PATCH2.o...]
#                     --name NAME -o OUT.ko [--replace | --no-replace] [--hooks FILE.c]
#                     [--klp-gen PATH] [--keep DIR]
#
# Turns a plan and the new code for it (PATCH.o, from `klp-gen extract` or
# made by hand; one per object of the plan when extract made them, all linked
# into the module) into the livepatch module NAME.ko for the kernel built in
# ORIG (an O= build dir):
#   1. `klp-gen glue` writes glue.h, the klp_func/klp_object tables of PLAN
#      and the atomic replace flag (--replace, the default: the module
#      disables every live patch loaded before it, so it must be cumulative;
#      --no-replace: it stacks on them);
#   2. an external-module dir gets a Kbuild that links runtime/*.c (module
#      init/exit, see runtime/klp_lto.h), the optional hooks file (callbacks,
#      shadow variables) and PATCH.o (as a _shipped object) into NAME.ko, and
#      `make -C ORIG LLVM=-22 M=DIR modules` builds it (ThinLTO: the C parts
#      are bitcode, ld.lld -r links them with PATCH.o, objtool runs on the
#      result).  modpost runs with KBUILD_MODPOST_WARN=1 because PATCH.o's
#      .klp.sym.* references are undefined by design; any other undefined
#      symbol, modpost or objtool warning fails the build;
#   3. `klp-gen finalize --symvers ORIG/Module.symvers` turns the .klp.sym
#      references into livepatch relocations.
# OUT.ko is written only if every step succeeded.  The build dir is a fresh
# temporary dir, removed on success; --keep DIR builds in DIR instead and
# keeps it (it must not exist yet).  klp-gen: --klp-gen, else $KLP_GEN, else
# klp-gen on PATH, else build/klp-gen/klp-gen of this checkout.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
say() { echo "[klp-build-module] $*"; }
die() { echo "[klp-build-module] ERROR: $*" >&2; exit 1; }
usage() { die "usage: $0 --kernel-build ORIG --plan PLAN --object PATCH.o [--object PATCH2.o...] --name NAME -o OUT.ko [--replace | --no-replace] [--hooks FILE.c] [--klp-gen PATH] [--keep DIR]"; }

orig='' plan='' objs='' name='' out='' hooks='' klpgen=${KLP_GEN:-} keep='' replace=--replace
while [ $# -gt 0 ]; do
	case $1 in
	--kernel-build) [ $# -ge 2 ] || usage; orig=$2; shift 2 ;;
	--plan) [ $# -ge 2 ] || usage; plan=$2; shift 2 ;;
	--object) [ $# -ge 2 ] || usage
		case $2 in *[[:space:]]*) die "--object path with white space: $2" ;; esac
		objs="$objs $2"; shift 2 ;;
	--name) [ $# -ge 2 ] || usage; name=$2; shift 2 ;;
	-o) [ $# -ge 2 ] || usage; out=$2; shift 2 ;;
	--hooks) [ $# -ge 2 ] || usage; hooks=$2; shift 2 ;;
	--replace|--no-replace) replace=$1; shift ;;
	--klp-gen) [ $# -ge 2 ] || usage; klpgen=$2; shift 2 ;;
	--keep) [ $# -ge 2 ] || usage; keep=$2; shift 2 ;;
	-h|--help) sed -n '2,29p' "$0"; exit 0 ;;
	*) usage ;;
	esac
done
[ -n "$orig" ] && [ -n "$plan" ] && [ -n "$objs" ] && [ -n "$name" ] && [ -n "$out" ] || usage
case $name in
*[!a-z0-9_]*|'') die "--name must be [a-z0-9_]+ (a module name): $name" ;;
klp_lto_runtime|klp_lto_hooks|klp_lto_patch*) die "--name $name is the name of a part of the module" ;;
esac
[ ${#name} -le 55 ] || die "--name is longer than 55 bytes (MODULE_NAME_LEN): $name"
[ -d "$orig" ] || die "kernel build dir not found: $orig"
orig=$(cd "$orig" && pwd)
for f in Makefile .config Module.symvers scripts/mod/modpost; do
	[ -e "$orig/$f" ] || die "$orig/$f missing: not a finished kernel build dir"
done
grep -q '^CONFIG_LIVEPATCH=y' "$orig/.config" || die "$orig/.config: CONFIG_LIVEPATCH is not set"
[ -f "$plan" ] || die "plan not found: $plan"
for obj in $objs; do
	[ -f "$obj" ] || die "object not found: $obj"
done
[ -z "$hooks" ] || [ -f "$hooks" ] || die "hooks file not found: $hooks"
if [ -z "$klpgen" ]; then
	klpgen=$(command -v klp-gen 2>/dev/null || echo "$top/build/klp-gen/klp-gen")
fi
[ -x "$klpgen" ] || die "klp-gen not found ($klpgen); build it or pass --klp-gen"
PATH=/usr/lib/llvm-22/bin:$PATH
export PATH
abspath() { (cd "$(dirname "$1")" && echo "$(pwd)/$(basename "$1")"); }
plan=$(abspath "$plan")
abs_objs= glue_objs=
for obj in $objs; do
	abs_objs="$abs_objs $(abspath "$obj")"
	glue_objs="$glue_objs --object $(abspath "$obj")"
done
objs=$abs_objs
out=$(abspath "$out")
[ -z "$hooks" ] || hooks=$(abspath "$hooks")
# A module left from an earlier run must not pass for the result of this one.
rm -f "$out"

if [ -n "$keep" ]; then
	[ ! -e "$keep" ] || die "--keep $keep already exists"
	mkdir -p "$keep"
	dir=$(cd "$keep" && pwd)
else
	dir=$(mktemp -d "${TMPDIR:-/tmp}/klp-build-module.XXXXXX")
fi
ok=0
cleanup() {
	if [ "$ok" = 1 ] && [ -z "$keep" ]; then rm -rf "$dir"
	else echo "[klp-build-module] build dir kept: $dir" >&2; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# glue also checks that the PATCH.o files are ELF relocatable objects (kbuild
# links them as they are) and together define the new code of every replace
# line once: klp_lto_new_0 .. klp_lto_new_<N-1>.
say "glue: klp-gen glue --plan $plan $replace"
# shellcheck disable=SC2086
"$klpgen" glue --plan "$plan" "$replace" $glue_objs -o "$dir/glue.h" ||
	die "klp-gen glue refused the plan or the objects"
cp "$top/runtime/klp_lto.h" "$top/runtime/klp_lto_runtime.c" "$dir/"
parts="klp_lto_runtime.o"
i=0
for obj in $objs; do
	cp "$obj" "$dir/klp_lto_patch$i.o_shipped"
	parts="$parts klp_lto_patch$i.o"
	i=$((i + 1))
done
flags="-I\$(src)"
if [ -n "$hooks" ]; then
	cp "$hooks" "$dir/klp_lto_hooks.c"
	parts="$parts klp_lto_hooks.o"
	flags="$flags -DKLP_LTO_HAVE_HOOKS"
fi
cat > "$dir/Kbuild" <<EOF
# Generated by klp-build-module.sh: live patch module $name.
obj-m := $name.o
$name-y := $parts
ccflags-y := $flags
EOF

plugin=$(cat "$orig/klp-lto.plugin" 2>/dev/null || true)
if [ -n "$plugin" ] && [ ! -f "$plugin" ]; then
	say "note: $orig was built with the klp-lto plugin $plugin, which is gone; building without it"
	plugin=
fi
say "building $name.ko in $dir (log: $dir/build.log)"
t0=$(date +%s)
if ! make -C "$orig" LLVM=-22 M="$dir" KBUILD_MODPOST_WARN=1 ${plugin:+KLP_PLUGIN="$plugin"} \
	-j"$(nproc)" modules > "$dir/build.log" 2>&1; then
	tail -30 "$dir/build.log" >&2
	die "kbuild failed; see $dir/build.log"
fi
[ -f "$dir/$name.ko" ] || die "kbuild produced no $dir/$name.ko; see $dir/build.log"

# modpost only warns (KBUILD_MODPOST_WARN=1) about undefined symbols, and it
# stops listing them after a few: finalize --symvers below checks them all.
# Here: no undefined symbol other than .klp.sym ones, and no other warning
# from modpost or objtool (a wrong ORC table makes transitions unreliable).
bad=$(grep -E 'WARNING: modpost:|objtool' "$dir/build.log" |
	grep -Ev '^WARNING: modpost: "\.klp\.sym\.[^"]*" \[.*\] undefined!$' |
	grep -Ev '^WARNING: modpost: suppressed [0-9]+ unresolved symbol warnings because there were too many\)$' || true)
if [ -n "$bad" ]; then
	echo "$bad" >&2
	die "modpost/objtool warnings above (full log: $dir/build.log)"
fi
say "kbuild took $(( $(date +%s) - t0 )) s"

say "finalize: klp-gen finalize --symvers $orig/Module.symvers"
"$klpgen" finalize "$dir/$name.ko" -o "$dir/$name.final.ko" --symvers "$orig/Module.symvers" ||
	die "klp-gen finalize failed"

cp "$dir/$name.final.ko" "$out.tmp" && mv -f "$out.tmp" "$out" || {
	rm -f "$out.tmp"
	die "cannot write $out"
}
ok=1
say "wrote $out ($(wc -c < "$out") bytes)"
