//===- SourceInfo.cpp - a function's source identity as metadata ---------===//

#include "SourceInfo.h"
#include "Fingerprint.h"
#include "SourcePaths.h"
#include "klp/record_format.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/DebugInfoMetadata.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/GlobalVariable.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Metadata.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/Debug.h"

using namespace llvm;

#define DEBUG_TYPE "klp-lto-source"

namespace klp {

// Layout: !{!"name", !"file", !"unit", !"section", i32 begin, i32 end,
//           i32 flags, i64 fingerprint}
enum { OpName, OpFile, OpUnit, OpSection, OpBegin, OpEnd, OpFlags, OpFp, NumOps };

MDNode *makeSrcNode(LLVMContext &Ctx, const SrcInfo &I) {
  auto *I32 = Type::getInt32Ty(Ctx);
  auto *I64 = Type::getInt64Ty(Ctx);
  Metadata *Ops[NumOps] = {
      MDString::get(Ctx, I.Name),
      MDString::get(Ctx, I.File),
      MDString::get(Ctx, I.Unit),
      MDString::get(Ctx, I.Section),
      ConstantAsMetadata::get(ConstantInt::get(I32, I.LineBegin)),
      ConstantAsMetadata::get(ConstantInt::get(I32, I.LineEnd)),
      ConstantAsMetadata::get(ConstantInt::get(I32, I.Flags)),
      ConstantAsMetadata::get(ConstantInt::get(I64, I.Fingerprint)),
  };
  return MDTuple::get(Ctx, Ops);
}

static bool readStr(const MDNode *N, unsigned Op, StringRef &Out) {
  auto *S = dyn_cast_or_null<MDString>(N->getOperand(Op).get());
  if (!S)
    return false;
  Out = S->getString();
  return true;
}

static bool readInt(const MDNode *N, unsigned Op, uint64_t &Out) {
  auto *C = mdconst::dyn_extract_or_null<ConstantInt>(N->getOperand(Op));
  if (!C)
    return false;
  Out = C->getZExtValue();
  return true;
}

bool readSrcNode(const MDNode *N, SrcInfo &Out) {
  if (!N || N->getNumOperands() != NumOps)
    return false;
  uint64_t B, E, F, Fp;
  if (!readStr(N, OpName, Out.Name) || !readStr(N, OpFile, Out.File) ||
      !readStr(N, OpUnit, Out.Unit) || !readStr(N, OpSection, Out.Section) ||
      !readInt(N, OpBegin, B) || !readInt(N, OpEnd, E) ||
      !readInt(N, OpFlags, F) || !readInt(N, OpFp, Fp))
    return false;
  Out.LineBegin = B;
  Out.LineEnd = E;
  Out.Flags = F;
  Out.Fingerprint = Fp;
  return true;
}

MDNode *makeExternSrcNode(LLVMContext &Ctx, StringRef Name) {
  SrcInfo I;
  I.Name = Name;
  I.Flags = KLP_SRC_EXTERN;
  return makeSrcNode(Ctx, I);
}

// The body's line range: the declaration line through the last line that
// carries code of this subprogram itself.  Run before any inlining, so every
// location belongs to the function.
static void lineRange(Function &F, const DISubprogram *SP, uint32_t &Begin,
                      uint32_t &End) {
  Begin = SP->getLine();
  End = std::max(Begin, SP->getScopeLine());
  for (Instruction &I : instructions(F)) {
    const DebugLoc &DL = I.getDebugLoc();
    if (!DL || DL.getInlinedAt())
      continue;
    End = std::max<uint32_t>(End, DL.getLine());
  }
}

MDNode *computeSrcNode(Function &F, SourcePaths &Paths,
                       FingerprintCache &FPCache) {
  SrcInfo I;
  I.Name = F.getName();
  I.Unit = Paths.unit();
  I.Section = F.hasSection() ? F.getSection() : StringRef();
  if (F.hasLocalLinkage())
    I.Flags |= KLP_SRC_STATIC;
  if (F.hasFnAttribute(Attribute::InlineHint) ||
      F.hasFnAttribute(Attribute::AlwaysInline))
    I.Flags |= KLP_SRC_INLINE;
  if (const DISubprogram *SP = F.getSubprogram()) {
    I.File = Paths.file(SP->getFile());
    lineRange(F, SP, I.LineBegin, I.LineEnd);
  } else {
    I.File = I.Unit;
    I.Flags |= KLP_SRC_NODEBUG;
  }
  I.Fingerprint = fingerprintFunction(F, FPCache);
  LLVM_DEBUG(dbgs() << "klp-lto: src " << I.Name << " " << I.File << ":"
                    << I.LineBegin << "-" << I.LineEnd << " unit " << I.Unit
                    << " flags " << I.Flags << "\n");
  return makeSrcNode(F.getContext(), I);
}

/// A ThinLTO-promoted local keeps its source name with ".llvm.<module hash>"
/// appended (ModuleSummaryIndex::getGlobalNameForLocal); the source name is
/// the part before it.
bool stripPromotedSuffix(StringRef &Name) {
  size_t At = Name.rfind(".llvm.");
  if (At == StringRef::npos || At == 0)
    return false;
  StringRef Digits = Name.substr(At + 6);
  if (Digits.empty() || !llvm::all_of(Digits, [](char C) { return llvm::isDigit(C); }))
    return false;
  Name = Name.take_front(At);
  return true;
}

MDNode *computeDataSrcNode(GlobalVariable &GV, SourcePaths &Paths,
                           FingerprintCache &FPCache) {
  SrcInfo I;
  I.Name = GV.getName();
  I.Unit = Paths.unit();
  I.Section = GV.hasSection() ? GV.getSection() : StringRef();
  // Usually the node comes from the compile, before promotion; a variable
  // that a pass re-created there (GlobalOpt shrinking a flag to a bool)
  // lost it and is only seen here, in the backend, already promoted.
  if (GV.hasLocalLinkage() || stripPromotedSuffix(I.Name))
    I.Flags |= KLP_SRC_STATIC;
  SmallVector<DIGlobalVariableExpression *, 1> GVEs;
  GV.getDebugInfo(GVEs);
  if (!GVEs.empty() && GVEs[0]->getVariable()) {
    const DIGlobalVariable *V = GVEs[0]->getVariable();
    I.File = Paths.file(V->getFile());
    I.LineBegin = I.LineEnd = V->getLine();
  } else {
    I.File = I.Unit;
    I.Flags |= KLP_SRC_NODEBUG;
  }
  I.Fingerprint = fingerprintGlobal(GV, FPCache);
  return makeSrcNode(GV.getContext(), I);
}

MDNode *getSrcNode(const GlobalObject &GO) { return GO.getMetadata(SrcMDKind); }

void setSrcNode(GlobalObject &GO, MDNode *N) { GO.setMetadata(SrcMDKind, N); }

MDNode *srcNodeOrExtern(const Function &F) {
  if (MDNode *N = getSrcNode(F))
    return N;
  return makeExternSrcNode(F.getContext(), F.getName());
}

} // namespace klp
