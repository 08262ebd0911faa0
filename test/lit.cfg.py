# lit configuration for klp-lto.  Tests compile real C with clang-22, link with
# ld.lld-22 and the plugin, and check `klp-gen dump` with FileCheck.
import os
import lit.formats

config.name = "klp-lto"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".c", ".ll", ".s", ".test"]
config.excludes = ["Inputs", "kernel", "tools", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py.in"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.klp_obj_root, "test")

tools = config.llvm_tools_dir
config.environment["PATH"] = os.pathsep.join([tools, config.environment.get("PATH", "")])

def tool(name):
    return os.path.join(tools, name)

# clang with the plugin loaded for the pre-link compile; ld.lld with it loaded
# for the ThinLTO backends.  -mllvm=-load lets lld accept the plugin's options.
config.substitutions.append(("%clang_klp", "%s -fpass-plugin=%s" % (tool("clang"), config.klp_plugin)))
config.substitutions.append(("%lld_klp", "%s --load-pass-plugin=%s -mllvm=-load=%s" % (tool("ld.lld"), config.klp_plugin, config.klp_plugin)))
# kCFI as the x86 kernel builds it (CONFIG_CFI_CLANG + CALL_PADDING + IBT).
config.substitutions.append(("%kcfi", "-fsanitize=kcfi -fcf-protection=branch -fpatchable-function-entry=11,11"))
config.substitutions.append(("%clang", tool("clang")))
config.substitutions.append(("%lld", tool("ld.lld")))
config.substitutions.append(("%plugin", config.klp_plugin))
config.substitutions.append(("%klp-gen", config.klp_gen))
# Distributed ThinLTO (DTLTO): the local distributor lld runs, and the remote
# compiler that runs the plugin in a backend (docs/klp-gen.md).
config.substitutions.append(("%distributor", os.path.join(config.klp_src_root, "scripts", "klp-thinlto-distributor.py")))
config.substitutions.append(("%thinlto_backend", config.klp_thinlto_backend))
# %dtlto_klp: lld's options that send the ThinLTO backends of a %lld_klp link
# through the local distributor (two at a time) to klp-thinlto-backend with
# the plugin; the plugin's options follow as --thinlto-remote-compiler-arg=.
config.substitutions.insert(0, ("%dtlto_klp", "--thinlto-distributor=%s --thinlto-distributor-arg=-j2 --thinlto-remote-compiler=%s --thinlto-remote-compiler-arg=-fpass-plugin=%s" % (os.path.join(config.klp_src_root, "scripts", "klp-thinlto-distributor.py"), config.klp_thinlto_backend, config.klp_plugin)))
config.substitutions.append(("%src_root", config.klp_src_root))
config.substitutions.append(("%record-torture", os.path.join(config.klp_obj_root, "test", "record-torture")))
config.substitutions.append(("%hunk-place", os.path.join(config.klp_obj_root, "test", "hunk-place")))
# FileCheck, not, split-file, llvm-mc, llvm-readelf ... come from PATH (tools first).
import sys
config.substitutions.append(("%python", sys.executable))
# A refused run leaves neither PATH nor its temporary PATH.tmp.XXXXXX;
# %no-tmp: a run left no temporary (test/tools/no-output.py).
no_output = os.path.join(config.klp_src_root, "test", "tools", "no-output.py")
config.substitutions.append(("%no-output", "%s %s" % (sys.executable, no_output)))
config.substitutions.append(("%no-tmp", "%s %s --tmp" % (sys.executable, no_output)))

# The plugin built with ThreadSanitizer and clang's TSan runtime, to preload
# into ld.lld (-DKLP_PLUGIN_TSAN=ON; scripts/test.sh's sanitizer build).
if config.klp_plugin_tsan and config.klp_tsan_runtime:
    config.available_features.add("klp-tsan")
    # Before %plugin, which would otherwise replace its first part.
    config.substitutions.insert(0, ("%plugin_tsan", config.klp_plugin_tsan))
    config.substitutions.insert(0, ("%tsan_rt", config.klp_tsan_runtime))
