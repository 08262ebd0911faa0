//===- InlineTracker.cpp - see every inlining decision as it is carried out ===//

#include "InlineTracker.h"
#include "Options.h"
#include "Provenance.h"
#include "klp/record_format.h"

#include "llvm/ADT/Statistic.h"
#include "llvm/Analysis/InlineAdvisor.h"
#include "llvm/IR/InstrTypes.h"
#include "llvm/IR/Module.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/Debug.h"

using namespace llvm;

#define DEBUG_TYPE "klp-lto-inline"

ALWAYS_ENABLED_STATISTIC(NumInlinedPrelink,
                         "Inlines the advisor saw in the compile");
ALWAYS_ENABLED_STATISTIC(NumInlinedBackend,
                         "Inlines the advisor saw in an LTO backend");
ALWAYS_ENABLED_STATISTIC(NumInlinedImported,
                         "Inlines of an imported callee (ThinLTO backend)");

namespace klp {
namespace {

uint16_t phaseFlag(ThinOrFullLTOPhase Phase) {
  switch (Phase) {
  case ThinOrFullLTOPhase::ThinLTOPostLink:
  case ThinOrFullLTOPhase::FullLTOPostLink:
    return KLP_EDGE_BACKEND;
  default:
    return KLP_EDGE_PRELINK;
  }
}

class TrackingAdvice : public InlineAdvice {
public:
  TrackingAdvice(InlineAdvisor *Advisor, CallBase &CB,
                 OptimizationRemarkEmitter &ORE,
                 std::unique_ptr<InlineAdvice> Inner, uint16_t Phase)
      : InlineAdvice(Advisor, CB, ORE, Inner->isInliningRecommended()),
        Inner(std::move(Inner)), Phase(Phase) {}

private:
  // Caller and Callee are still valid here: the callee is only deleted after
  // the inliner has reported.
  void recordInliningImpl() override {
    note();
    Inner->recordInlining();
  }
  void recordInliningWithCalleeDeletedImpl() override {
    note();
    Inner->recordInliningWithCalleeDeleted();
  }
  void note() {
    LLVM_DEBUG(dbgs() << "klp-lto: inlined " << Callee->getName() << " into "
                      << Caller->getName() << "\n");
    ++(Phase == KLP_EDGE_BACKEND ? NumInlinedBackend : NumInlinedPrelink);
    if (Callee->hasAvailableExternallyLinkage())
      ++NumInlinedImported;
    noteInlined(*Caller, *Callee, Phase);
  }
  void recordUnsuccessfulInliningImpl(const InlineResult &R) override {
    Inner->recordUnsuccessfulInlining(R);
  }
  void recordUnattemptedInliningImpl() override {
    Inner->recordUnattemptedInlining();
  }

  std::unique_ptr<InlineAdvice> Inner;
  uint16_t Phase;
};

class TrackingAdvisor : public InlineAdvisor {
public:
  TrackingAdvisor(Module &M, FunctionAnalysisManager &FAM,
                  InlineParams Params, InlineContext IC)
      : InlineAdvisor(M, FAM, IC),
        Inner(std::make_unique<DefaultInlineAdvisor>(M, FAM, Params, IC)),
        Phase(phaseFlag(IC.LTOPhase)) {}

  void onPassEntry(LazyCallGraph::SCC *SCC) override {
    Inner->onPassEntry(SCC);
  }
  void onPassExit(LazyCallGraph::SCC *SCC) override { Inner->onPassExit(SCC); }
  void print(raw_ostream &OS) const override { Inner->print(OS); }

private:
  std::unique_ptr<InlineAdvice> wrap(CallBase &CB,
                                     std::unique_ptr<InlineAdvice> A) {
    if (!A)
      return nullptr;
    return std::make_unique<TrackingAdvice>(this, CB, getCallerORE(CB),
                                            std::move(A), Phase);
  }
  std::unique_ptr<InlineAdvice> getAdviceImpl(CallBase &CB) override {
    return wrap(CB, Inner->getAdvice(CB, /*MandatoryOnly=*/false));
  }
  std::unique_ptr<InlineAdvice> getMandatoryAdvice(CallBase &CB,
                                                   bool Advice) override {
    return wrap(CB, Inner->getAdvice(CB, /*MandatoryOnly=*/true));
  }

  std::unique_ptr<InlineAdvisor> Inner;
  uint16_t Phase;
};

InlineAdvisor *makeTrackingAdvisor(Module &M, FunctionAnalysisManager &FAM,
                                   InlineParams Params, InlineContext IC) {
  return new TrackingAdvisor(M, FAM, Params, IC);
}

} // namespace

void registerInlineTracker(PassBuilder &PB) {
  if (noInlineTrackingOption())
    return;
  PB.registerAnalysisRegistrationCallback([](ModuleAnalysisManager &MAM) {
    MAM.registerPass(
        [] { return PluginInlineAdvisorAnalysis(makeTrackingAdvisor); });
  });
}

} // namespace klp
