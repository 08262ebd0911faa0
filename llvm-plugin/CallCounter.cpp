//===- CallCounter.cpp - provenance for passes that bypass the advisor ----===//

#include "CallCounter.h"
#include "KnownPasses.h"
#include "Provenance.h"
#include "RecordEmitter.h"
#include "SourceInfo.h"
#include "klp/record_format.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/Statistic.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/PassInstrumentation.h"
#include "llvm/Support/Debug.h"

#include <memory>
#include <optional>

using namespace llvm;

#define DEBUG_TYPE "klp-lto-calls"

ALWAYS_ENABLED_STATISTIC(NumCountedPasses,
                         "Pass runs the calls were counted around");
ALWAYS_ENABLED_STATISTIC(NumCountedInlinesPrelink,
                         "Callees found inlined by counting calls, in the compile");
ALWAYS_ENABLED_STATISTIC(NumCountedInlinesBackend,
                         "Callees found inlined by counting calls, in an LTO backend");
ALWAYS_ENABLED_STATISTIC(NumRemovedCalls,
                         "Calls an IPO pass removed (CALLEE edge, removed)");
ALWAYS_ENABLED_STATISTIC(NumReplacedFunctions,
                         "Functions a pass replaced by one of the same name");
ALWAYS_ENABLED_STATISTIC(NumDerivedFunctions,
                         "Functions a pass cut out of another (outlined)");
ALWAYS_ENABLED_STATISTIC(NumCopiedFunctions,
                         "Copies of a function a pass made (clone)");

namespace klp {
namespace {

// Only these are counted; the others are seen elsewhere or need nothing
// (KnownPasses.def says which and why).
bool isCounted(PassKind K) { return K == PassKind::Inliner || K == PassKind::Ipo; }

using CallCounts = DenseMap<const Function *, unsigned>; // per callee

// What a function looked like before the pass, kept by value: the pass may
// delete the function, and its metadata nodes outlive it.
struct FnState {
  StringRef Name; // the key in Snapshot::ByName, which outlives the function
  MDNode *Src = nullptr;
  MDNode *Prov = nullptr; // !klp.prov, loaded only if the pass changed calls
  bool AlwaysInline = false;
  bool Imported = false;
  CallCounts Calls; // direct calls per callee
};

struct Snapshot {
  const Module *M = nullptr;
  PassKind Kind = PassKind::Unknown;
  uint16_t Phase = 0;
  DenseMap<const Function *, FnState> Fns;
  StringMap<const Function *> ByName;
};

// Every defined function's direct calls per callee, from the callees' use
// lists: a module has far fewer uses of functions than instructions, and
// this runs twice around every counted pass.  A use counts when it is the
// callee operand of a call that getCalledFunction() resolves to it (the
// same calls an instruction walk would see: a call through a cast or with
// a different function type has no called function).
DenseMap<const Function *, CallCounts> countCalls(const Module &M) {
  DenseMap<const Function *, CallCounts> Calls;
  for (const Function &Callee : M) {
    if (Callee.isIntrinsic())
      continue;
    for (const Use &U : Callee.uses()) {
      auto *CB = dyn_cast<CallBase>(U.getUser());
      if (!CB || !CB->isCallee(&U) || CB->getCalledFunction() != &Callee)
        continue;
      if (const Function *Caller = CB->getFunction())
        ++Calls[Caller][&Callee];
    }
  }
  return Calls;
}

uint16_t phaseOf(const Module &M) {
  // The backend sees promoted, imported modules; a compile does not.  The
  // plugin marks backend modules when the backend pipeline starts.
  return M.getModuleFlag("klp.backend") ? KLP_EDGE_BACKEND : KLP_EDGE_PRELINK;
}

void takeSnapshot(const Module &M, PassKind Kind, Snapshot &S) {
  S = Snapshot();
  S.M = &M;
  S.Kind = Kind;
  S.Phase = phaseOf(M);
  DenseMap<const Function *, CallCounts> Calls = countCalls(M);
  for (const Function &F : M) {
    if (F.isDeclaration())
      continue;
    FnState &St = S.Fns[&F];
    St.Name = S.ByName.try_emplace(F.getName(), &F).first->getKey();
    St.Src = getSrcNode(F);
    St.Prov = F.getMetadata(ProvMDKind);
    St.AlwaysInline = F.hasFnAttribute(Attribute::AlwaysInline);
    St.Imported = F.hasAvailableExternallyLinkage();
    auto It = Calls.find(&F);
    if (It != Calls.end())
      St.Calls = std::move(It->second);
  }
}

// By the names the snapshot kept: the pass may have deleted the functions.
static void sortByName(SmallVectorImpl<const Function *> &Fns,
                       const Snapshot &S) {
  auto Name = [&](const Function *F) {
    auto It = S.Fns.find(F);
    return It == S.Fns.end() ? StringRef() : It->second.Name;
  };
  llvm::sort(Fns, [&](const Function *A, const Function *B) {
    return Name(A) < Name(B);
  });
}

// Add to \p Into the sources of \p Callees and, for an inliner, everything
// already in them; for AlwaysInliner also the always-inline callees that were
// inlined into them during the same pass (they may be gone by now), flagged
// OVERAPPROX.  Level by level and each level by name: Seen lets the first
// path to a function decide its flags, so a callee inlined directly is never
// taken for one reached through another, whatever the order of the maps
// (pointers, which differ from build to build).
void addInlined(ProvSet &Into, const Snapshot &S,
                SmallVectorImpl<const Function *> &Callees, uint16_t Flags,
                SmallPtrSetImpl<const Function *> &Seen) {
  SmallVector<const Function *, 8> Next;
  for (const Function *Callee : Callees) {
    if (!Seen.insert(Callee).second)
      continue;
    auto It = S.Fns.find(Callee);
    if (It == S.Fns.end() || !It->second.Src)
      continue;
    const FnState &St = It->second;
    uint16_t F = Flags | (St.Imported ? KLP_EDGE_IMPORTED : 0) |
                 (St.AlwaysInline ? KLP_EDGE_MANDATORY : 0);
    Into.add(St.Src, KLP_EDGE_INLINE, F);
    Into.mergeInlined(ProvSet::load(St.Prov), Flags & (KLP_EDGE_BACKEND | KLP_EDGE_IMPORTED));
    for (const auto &[Fn, N] : St.Calls) {
      auto NI = S.Fns.find(Fn);
      if (NI != S.Fns.end() && NI->second.AlwaysInline && !Seen.count(Fn))
        Next.push_back(Fn);
    }
  }
  if (Next.empty())
    return;
  sortByName(Next, S);
  addInlined(Into, S, Next, Flags | KLP_EDGE_OVERAPPROX, Seen);
}

void compare(Module &M, const Snapshot &S) {
  DenseMap<const Function *, CallCounts> AfterCalls = countCalls(M);
  const CallCounts NoCalls;
  for (Function &F : M) {
    if (F.isDeclaration())
      continue;
    auto Old = S.Fns.find(&F);
    if (Old == S.Fns.end() || Old->second.Src != getSrcNode(F)) {
      // A function the pass created.  If it replaced one of the same name
      // (argument promotion, dead-argument elimination) or was cut out of
      // another (outlining), it inherits that function's source.
      auto ByName = S.ByName.find(F.getName());
      bool Replaces = ByName != S.ByName.end();
      if (getSrcNode(F)) {
        // Copied with its metadata (CloneFunction): a second copy of a
        // source function, unless it took the old one's place and name.
        if (!Replaces) {
          LLVM_DEBUG(dbgs() << "klp-lto: copy " << F.getName() << "\n");
          ++NumCopiedFunctions;
          F.setMetadata(CloneMDKind, MDNode::get(F.getContext(), {}));
        }
        continue;
      }
      const FnState *From = nullptr;
      if (Replaces)
        From = &S.Fns.find(ByName->second)->second;
      for (const User *U : F.users()) {
        if (From)
          break;
        if (auto *I = dyn_cast<Instruction>(U))
          if (MDNode *N = getSrcNode(*I->getFunction())) {
            auto UI = S.Fns.find(I->getFunction());
            if (UI != S.Fns.end() && UI->second.Src == N)
              From = &UI->second;
          }
      }
      if (From && From->Src) {
        LLVM_DEBUG(dbgs() << "klp-lto: " << F.getName()
                          << (Replaces ? " replaces " : " was cut out of ")
                          << From->Name << "\n");
        ++(Replaces ? NumReplacedFunctions : NumDerivedFunctions);
        setSrcNode(F, From->Src);
        // The node as it was (what loading and storing it would give).
        F.setMetadata(ProvMDKind, From->Prov);
        if (!Replaces)
          F.setMetadata(CloneMDKind, MDNode::get(F.getContext(), {}));
      }
      continue;
    }
    const FnState &Before = Old->second;
    auto AI = AfterCalls.find(&F);
    const CallCounts &After = AI != AfterCalls.end() ? AI->second : NoCalls;
    // Loaded at the first call that went down: most functions keep theirs.
    std::optional<ProvSet> P;
    bool Changed = false;
    SmallVector<const Function *, 8> Inlined;
    for (const auto &[Callee, N] : Before.Calls) {
      if (After.lookup(Callee) >= N)
        continue;
      if (!P)
        P = ProvSet::load(F);
      auto CI = S.Fns.find(Callee);
      MDNode *Src = CI != S.Fns.end() ? CI->second.Src : nullptr;
      if (S.Kind == PassKind::Inliner) {
        Inlined.push_back(Callee);
        Changed = true;
      } else if (Src && !P->has(Src, KLP_EDGE_INLINE)) {
        LLVM_DEBUG(dbgs() << "klp-lto: " << F.getName() << ": call to "
                          << (CI != S.Fns.end() ? CI->second.Name : "?")
                          << " removed\n");
        ++NumRemovedCalls;
        P->add(Src, KLP_EDGE_CALLEE,
              S.Phase | KLP_EDGE_REMOVED | KLP_EDGE_OVERAPPROX);
        Changed = true;
      }
    }
    if (!Inlined.empty()) {
      LLVM_DEBUG(dbgs() << "klp-lto: " << F.getName() << ": "
                        << Inlined.size() << " callees inlined\n");
      (S.Phase == KLP_EDGE_BACKEND ? NumCountedInlinesBackend
                                   : NumCountedInlinesPrelink) +=
          Inlined.size();
      SmallPtrSet<const Function *, 8> Seen;
      sortByName(Inlined, S);
      addInlined(*P, S, Inlined, S.Phase, Seen);
    }
    if (Changed)
      P->store(F);
  }
}

} // namespace

void registerCallCounter(PassInstrumentationCallbacks &PIC) {
  // One snapshot per pipeline (a PassBuilder serves one thread); the tracked
  // passes are module passes and do not nest.
  auto S = std::make_shared<Snapshot>();
  // The callbacks run around every pass on every function: the cheap
  // tests (a module pass; a snapshot taken) go before the pass's name is
  // looked up.
  PIC.registerBeforeNonSkippedPassCallback([S](StringRef PassID, Any IR) {
    const auto *MP = llvm::any_cast<const Module *>(&IR);
    if (!MP)
      return;
    PassKind Kind = classifyPass(PassID);
    if (!isCounted(Kind))
      return;
    ++NumCountedPasses;
    takeSnapshot(**MP, Kind, *S);
  });
  // After a module pass its Module is still valid (a pass cannot delete
  // the module), so the const_cast only lets us edit function metadata.
  PIC.registerAfterPassCallback(
      [S](StringRef PassID, Any IR, const PreservedAnalyses &) {
        if (!S->M || !isCounted(classifyPass(PassID)))
          return;
        const auto *MP = llvm::any_cast<const Module *>(&IR);
        if (!MP || *MP != S->M)
          return;
        Module &M = const_cast<Module &>(**MP);
        compare(M, *S);
        *S = Snapshot();
        reemitRecordIfWritten(M);
      });
}

} // namespace klp
