//===- Provenance.cpp - the set of source functions in a function's code -===//

#include "Provenance.h"
#include "Fingerprint.h"
#include "SourceInfo.h"
#include "SourcePaths.h"
#include "klp/record_format.h"

#include "llvm/ADT/Statistic.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/Metadata.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/Debug.h"

using namespace llvm;

#define DEBUG_TYPE "klp-lto-prov"

// ALWAYS_ENABLED: Debian's (release) LLVM compiles STATISTIC to nothing;
// these count with -stats / -save-stats / --plugin-opt=stats-file=.
ALWAYS_ENABLED_STATISTIC(NumSrcFunctions,
                         "Functions given a source identity (!klp.src)");
ALWAYS_ENABLED_STATISTIC(NumSrcData,
                         "Variables given a source identity (!klp.src)");
ALWAYS_ENABLED_STATISTIC(NumCalleeEdges,
                         "Direct calls recorded as CALLEE edges");
ALWAYS_ENABLED_STATISTIC(NumCallerEdges,
                         "Callers recorded as CALLER edges of a local function");
ALWAYS_ENABLED_STATISTIC(NumImportedBodies,
                         "Function bodies imported into a ThinLTO backend");

namespace klp {

ProvSet ProvSet::load(const Function &F) {
  return load(F.getMetadata(ProvMDKind));
}

ProvSet ProvSet::load(const MDNode *N) {
  ProvSet S;
  if (!N)
    return S;
  for (const MDOperand &Op : N->operands()) {
    auto *E = dyn_cast_or_null<MDNode>(Op.get());
    if (!E || E->getNumOperands() != 3)
      continue;
    auto *Kind = mdconst::dyn_extract_or_null<ConstantInt>(E->getOperand(0));
    auto *Flags = mdconst::dyn_extract_or_null<ConstantInt>(E->getOperand(1));
    auto *Src = dyn_cast_or_null<MDNode>(E->getOperand(2).get());
    if (!Kind || !Flags || !Src)
      continue;
    // Reusable only if it is the node store() would build for the edge.
    bool Same = E->isUniqued() && Kind->getType()->isIntegerTy(32) &&
                Flags->getType()->isIntegerTy(32) &&
                Kind->getZExtValue() <= UINT16_MAX &&
                Flags->getZExtValue() <= UINT16_MAX;
    S.add(Src, Kind->getZExtValue(), Flags->getZExtValue(),
          Same ? E : nullptr);
  }
  return S;
}

void ProvSet::store(Function &F) const {
  LLVMContext &Ctx = F.getContext();
  auto *I32 = Type::getInt32Ty(Ctx);
  SmallVector<Metadata *, 32> Ops;
  Ops.reserve(Edges.size());
  for (const auto &[K, V] : Edges) {
    if (V.Node) {
      Ops.push_back(V.Node);
      continue;
    }
    Metadata *E[] = {ConstantAsMetadata::get(ConstantInt::get(I32, K.second)),
                     ConstantAsMetadata::get(ConstantInt::get(I32, V.Flags)),
                     K.first};
    Ops.push_back(MDTuple::get(Ctx, E));
  }
  F.setMetadata(ProvMDKind, Ops.empty() ? nullptr : MDTuple::get(Ctx, Ops));
}

void ProvSet::add(MDNode *Src, uint16_t Kind, uint16_t Flags, MDNode *Node) {
  auto [It, New] = Edges.try_emplace({Src, Kind});
  Edge &E = It->second;
  if (New) {
    E.Flags = Flags;
    E.Node = Node;
  } else if ((E.Flags | Flags) != E.Flags) {
    E.Flags |= Flags;
    E.Node = E.Flags == Flags ? Node : nullptr;
  }
}

void ProvSet::mergeInlined(const ProvSet &Callee, uint16_t ExtraFlags) {
  for (const auto &[K, V] : Callee.Edges) {
    uint16_t Flags = V.Flags | ExtraFlags;
    add(K.first, K.second, Flags, Flags == V.Flags ? V.Node : nullptr);
  }
}

void noteInlined(Function &Caller, const Function &Callee, uint16_t Flags) {
  if (Callee.hasAvailableExternallyLinkage())
    Flags |= KLP_EDGE_IMPORTED;
  if (Callee.hasFnAttribute(Attribute::AlwaysInline))
    Flags |= KLP_EDGE_MANDATORY;
  ProvSet S = ProvSet::load(Caller);
  S.add(srcNodeOrExtern(Callee), KLP_EDGE_INLINE, Flags);
  // What was inlined into the callee is now in the caller as well; it came
  // through this inline, so it carries this inline's phase and import flags.
  S.mergeInlined(ProvSet::load(Callee),
                 Flags & (KLP_EDGE_BACKEND | KLP_EDGE_IMPORTED));
  S.store(Caller);
}

bool isRecordedData(const GlobalVariable &GV) {
  // String literals and other private constants have no symbol; llvm.used
  // and friends are not program data.
  return !GV.hasPrivateLinkage() && GV.hasName() &&
         !GV.getName().starts_with("llvm.");
}

static bool isTracked(const Function &F) {
  return !F.isDeclaration() && !F.hasAvailableExternallyLinkage();
}

void recordSourcesAndCalls(Module &M, uint16_t PhaseFlag) {
  SourcePaths Paths(M);
  FingerprintCache FPCache;
  for (Function &F : M) {
    if (F.isDeclaration())
      continue;
    if (F.hasAvailableExternallyLinkage() && (PhaseFlag & KLP_EDGE_BACKEND))
      ++NumImportedBodies;
    if (!getSrcNode(F)) {
      setSrcNode(F, computeSrcNode(F, Paths, FPCache));
      ++NumSrcFunctions;
    }
  }
  for (GlobalVariable &GV : M.globals())
    if (!GV.isDeclaration() && !getSrcNode(GV) && isRecordedData(GV)) {
      setSrcNode(GV, computeDataSrcNode(GV, Paths, FPCache));
      ++NumSrcData;
    }

  // CALLER edges go on the callee, so collect them per callee first.
  MapVector<Function *, SmallVector<MDNode *, 4>> Callers;
  for (Function &F : M) {
    if (!isTracked(F))
      continue;
    ProvSet S = ProvSet::load(F);
    bool Changed = false;
    MDNode *Self = getSrcNode(F);
    for (Instruction &I : instructions(F)) {
      auto *CB = dyn_cast<CallBase>(&I);
      if (!CB)
        continue;
      Function *Callee = CB->getCalledFunction();
      if (!Callee || Callee->isIntrinsic() || Callee == &F)
        continue;
      uint16_t Flags = PhaseFlag | KLP_EDGE_OVERAPPROX;
      if (Callee->hasAvailableExternallyLinkage())
        Flags |= KLP_EDGE_IMPORTED;
      S.add(srcNodeOrExtern(*Callee), KLP_EDGE_CALLEE, Flags);
      ++NumCalleeEdges;
      Changed = true;
      if (Callee->hasLocalLinkage() && Self)
        Callers[Callee].push_back(Self);
    }
    if (Changed)
      S.store(F);
  }
  for (auto &[Callee, Srcs] : Callers) {
    ProvSet S = ProvSet::load(*Callee);
    LLVM_DEBUG(dbgs() << "klp-lto: " << Callee->getName() << ": "
                      << Srcs.size() << " caller edges\n");
    NumCallerEdges += Srcs.size();
    for (MDNode *Src : Srcs)
      S.add(Src, KLP_EDGE_CALLER, PhaseFlag | KLP_EDGE_OVERAPPROX);
    S.store(*Callee);
  }
}

} // namespace klp
