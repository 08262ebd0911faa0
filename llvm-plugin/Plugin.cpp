//===- Plugin.cpp - klp-lto pass plugin registration ---------------------===//
//
// Where each piece runs:
//   compile (ThinLTO pre-link, or ordinary):
//     PipelineStart    SourcePass: `!klp.src` and call edges on every function
//   ThinLTO / full LTO backend:
//     EarlySimplification  BackendStartPass: call edges again, now that the
//                      imports are visible; marks the module as a backend one
//   everywhere: the inline advisor and the call counter record inlining
//   ordinary compile and backend:
//     OptimizerLast    RecordEmitterPass: writes `.klp.lto`
//   opt -passes='print<klp-asm-symbols>': the top-level asm scanner's view
//
//===----------------------------------------------------------------------===//

#include "AsmScanner.h"
#include "CallCounter.h"
#include "InlineTracker.h"
#include "Options.h"
#include "Provenance.h"
#include "RecordEmitter.h"
#include "Version.h"
#include "klp/record_format.h"

#include "llvm/ADT/Statistic.h"
#include "llvm/IR/Module.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Plugins/PassPlugin.h"

using namespace llvm;

#define DEBUG_TYPE "klp-lto"

ALWAYS_ENABLED_STATISTIC(NumCompileModules,
                         "Modules compiled with the plugin (pipeline start)");
ALWAYS_ENABLED_STATISTIC(NumBackendModules,
                         "Modules of an LTO backend (imports visible)");

namespace klp {
namespace {

bool isBackend(ThinOrFullLTOPhase P) {
  return P == ThinOrFullLTOPhase::ThinLTOPostLink ||
         P == ThinOrFullLTOPhase::FullLTOPostLink;
}

bool isPreLink(ThinOrFullLTOPhase P) {
  return P == ThinOrFullLTOPhase::ThinLTOPreLink ||
         P == ThinOrFullLTOPhase::FullLTOPreLink;
}

// The plugin's passes name themselves: PassInfoMixin's default name is the
// compiler's spelling of the type, and the anonymous namespace is
// "{anonymous}" to GCC but "(anonymous namespace)" to clang, while
// KnownPasses.def must name them one way whichever compiler built the plugin.
struct SourcePass : PassInfoMixin<SourcePass> {
  static StringRef name() { return "klp::SourcePass"; }
  PreservedAnalyses run(Module &M, ModuleAnalysisManager &) {
    if (!checkOptions(M))
      return PreservedAnalyses::all(); // the compile fails
    ++NumCompileModules;
    recordSourcesAndCalls(M, KLP_EDGE_PRELINK);
    return PreservedAnalyses::all();
  }
  static bool isRequired() { return true; }
};

struct BackendStartPass : PassInfoMixin<BackendStartPass> {
  static StringRef name() { return "klp::BackendStartPass"; }
  PreservedAnalyses run(Module &M, ModuleAnalysisManager &) {
    if (!checkOptions(M))
      return PreservedAnalyses::all(); // the link fails
    ++NumBackendModules;
    M.addModuleFlag(Module::Warning, "klp.backend", 1);
    // Bodies compiled without the plugin get a src here, from optimized IR:
    // their fingerprint then describes that IR, not the source.
    recordSourcesAndCalls(M, KLP_EDGE_BACKEND);
    return PreservedAnalyses::all();
  }
  static bool isRequired() { return true; }
};

// `opt -passes='print<klp-asm-symbols>'`: what the top-level asm scanner
// finds in a module, for its test (test/plugin/asm-scanner.ll).
struct AsmSymbolsPrinterPass : PassInfoMixin<AsmSymbolsPrinterPass> {
  PreservedAnalyses run(Module &M, ModuleAnalysisManager &) {
    printAsmSymbols(scanAsmSymbols(M.getModuleInlineAsm()), outs());
    return PreservedAnalyses::all();
  }
  static bool isRequired() { return true; }
};

void registerCallbacks(PassBuilder &PB) {
  PB.registerPipelineParsingCallback(
      [](StringRef Name, ModulePassManager &MPM,
         ArrayRef<PassBuilder::PipelineElement>) {
        if (Name != "print<klp-asm-symbols>")
          return false;
        MPM.addPass(AsmSymbolsPrinterPass());
        return true;
      });
  registerInlineTracker(PB);
  if (PassInstrumentationCallbacks *PIC = PB.getPassInstrumentationCallbacks())
    registerCallCounter(*PIC);

  PB.registerPipelineStartEPCallback(
      [](ModulePassManager &MPM, OptimizationLevel) {
        MPM.addPass(SourcePass());
      });
  PB.registerPipelineEarlySimplificationEPCallback(
      [](ModulePassManager &MPM, OptimizationLevel, ThinOrFullLTOPhase P) {
        if (isBackend(P))
          MPM.addPass(BackendStartPass());
      });
  PB.registerOptimizerLastEPCallback(
      [](ModulePassManager &MPM, OptimizationLevel, ThinOrFullLTOPhase P) {
        if (isPreLink(P))
          return; // bitcode: the backend writes the record
        MPM.addPass(RecordEmitterPass(
            P == ThinOrFullLTOPhase::ThinLTOPostLink ? KLP_PHASE_THINLTO_BACKEND
            : P == ThinOrFullLTOPhase::FullLTOPostLink
                ? KLP_PHASE_FULLLTO_BACKEND
                : KLP_PHASE_COMPILE));
      });
}

} // namespace
} // namespace klp

extern "C" LLVM_ATTRIBUTE_WEAK __attribute__((visibility("default")))
::llvm::PassPluginLibraryInfo
llvmGetPassPluginInfo() {
  return {LLVM_PLUGIN_API_VERSION, "klp-lto", KLP_LTO_VERSION,
          klp::registerCallbacks};
}
