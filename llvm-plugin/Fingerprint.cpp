//===- Fingerprint.cpp - hash of a function's unoptimized IR -------------===//

#include "Fingerprint.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/GlobalVariable.h"
#include "llvm/IR/InlineAsm.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/Metadata.h"
#include "llvm/IR/Operator.h"
#include "llvm/Support/Debug.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/xxhash.h"

#include <cstring>

using namespace llvm;

#define DEBUG_TYPE "klp-lto-fingerprint"

namespace klp {
namespace {

// Serializes the parts of a function that define its behaviour into a byte
// buffer, then hashes the buffer once.  Tags keep different kinds of operand
// from colliding.
class FunctionHasher {
public:
  FunctionHasher(Function *F, FingerprintCache &Cache) : F(F), Cache(Cache) {}
  uint64_t run();
  uint64_t runGlobal(const GlobalVariable &GV);

private:
  void u64(uint64_t V) {
    uint8_t B[8];
    support::endian::write64le(B, V);
    Buf.append(B, B + 8);
  }
  void tag(char C) { Buf.push_back(uint8_t(C)); }
  void str(StringRef S) {
    u64(S.size());
    Buf.append(S.bytes_begin(), S.bytes_end());
  }
  void type(Type *T);
  void typeBytes(Type *T);
  void attrs(AttributeList AL);
  void attrBytes(AttributeList AL);
  void value(const Value *V);
  void constant(const Constant *C);
  void anonymousGlobal(const GlobalVariable *GV);
  void instruction(const Instruction &I);

  Function *F; // null when hashing a global variable
  SmallVector<uint8_t, 4096> Buf;
  // Types and attribute lists go through the module's cache: the recursive
  // type walk was the plugin's hottest code (1.5 % of kernel/sched/core.c's
  // compile by callgrind, inclusive) and printing attribute lists another
  // 0.6 %, while a module has few distinct ones (the same struct in every
  // GEP, load and call; the same list on many calls).  Kept per function
  // instead, they were still 0.9 % of that compile.
  FingerprintCache &Cache;
  using Span = FingerprintCache::Span;
  void replay(Span S) {
    Buf.append(Cache.Bytes.begin() + S.first,
               Cache.Bytes.begin() + S.first + S.second);
  }
  Span keep(size_t Start) {
    Span S = {uint32_t(Cache.Bytes.size()), uint32_t(Buf.size() - Start)};
    Cache.Bytes.insert(Cache.Bytes.end(), Buf.begin() + Start, Buf.end());
    return S;
  }
  DenseMap<const Value *, unsigned> Local; // arguments, blocks, instructions
  DenseMap<const GlobalVariable *, unsigned> AnonSeen;
};

void FunctionHasher::type(Type *T) {
  bool Aggregate = T->isStructTy() || T->isArrayTy() || T->isVectorTy() ||
                   T->isFunctionTy();
  if (Aggregate) {
    auto It = Cache.Types.find(T);
    if (It != Cache.Types.end())
      return replay(It->second);
  }
  size_t Start = Buf.size();
  typeBytes(T);
  if (Aggregate)
    Cache.Types[T] = keep(Start);
}

void FunctionHasher::typeBytes(Type *T) {
  tag('T');
  u64(T->getTypeID());
  switch (T->getTypeID()) {
  case Type::IntegerTyID:
    u64(T->getIntegerBitWidth());
    break;
  case Type::PointerTyID:
    u64(T->getPointerAddressSpace());
    break;
  case Type::ArrayTyID:
    u64(T->getArrayNumElements());
    type(T->getArrayElementType());
    break;
  case Type::FixedVectorTyID:
  case Type::ScalableVectorTyID:
    u64(cast<VectorType>(T)->getElementCount().getKnownMinValue());
    type(cast<VectorType>(T)->getElementType());
    break;
  case Type::StructTyID: {
    // By layout, not by name: `%struct.anon.3` renumbers when an unrelated
    // anonymous struct appears earlier in the file.  Opaque pointers mean a
    // struct cannot contain itself, so this recursion ends.
    auto *ST = cast<StructType>(T);
    u64(ST->isPacked());
    u64(ST->isOpaque() ? ~0ull : ST->getNumElements());
    if (!ST->isOpaque())
      for (Type *E : ST->elements())
        type(E);
    break;
  }
  case Type::FunctionTyID: {
    auto *FT = cast<FunctionType>(T);
    u64(FT->isVarArg());
    type(FT->getReturnType());
    u64(FT->getNumParams());
    for (Type *P : FT->params())
      type(P);
    break;
  }
  case Type::TargetExtTyID:
    str(cast<TargetExtType>(T)->getName());
    break;
  default:
    break;
  }
}

void FunctionHasher::attrs(AttributeList AL) {
  auto It = Cache.Attrs.find(AL);
  if (It != Cache.Attrs.end())
    return replay(It->second);
  size_t Start = Buf.size();
  attrBytes(AL);
  Cache.Attrs[AL] = keep(Start);
}

void FunctionHasher::attrBytes(AttributeList AL) {
  tag('a');
  for (unsigned Idx : AL.indexes()) {
    u64(Idx);
    str(AL.getAttributes(Idx).getAsString());
  }
}

// A private or unnamed_addr global with no meaningful name (string literal,
// compound literal, switch table): hash what it holds, not what it is called.
void FunctionHasher::anonymousGlobal(const GlobalVariable *GV) {
  auto It = AnonSeen.find(GV);
  if (It != AnonSeen.end()) { // a cycle or a repeat: refer back to it
    tag('r');
    u64(It->second);
    return;
  }
  AnonSeen[GV] = AnonSeen.size();
  tag('P');
  type(GV->getValueType());
  u64(GV->isConstant());
  u64(GV->getAlign() ? GV->getAlign()->value() : 0);
  str(GV->hasSection() ? GV->getSection() : StringRef());
  if (GV->hasInitializer())
    constant(GV->getInitializer());
  else
    tag('-');
}

void FunctionHasher::constant(const Constant *C) {
  type(C->getType());
  if (auto *GV = dyn_cast<GlobalVariable>(C)) {
    bool Anonymous = GV->hasPrivateLinkage() || !GV->hasName() ||
                     (GV->hasLocalLinkage() && GV->isConstant() &&
                      GV->hasGlobalUnnamedAddr());
    if (Anonymous) {
      anonymousGlobal(GV);
    } else {
      tag('G');
      str(GV->getName());
    }
    return;
  }
  if (auto *GV = dyn_cast<GlobalValue>(C)) { // functions, aliases, ifuncs
    tag('F');
    str(GV->getName());
    return;
  }
  if (auto *CI = dyn_cast<ConstantInt>(C)) {
    tag('i');
    const APInt &V = CI->getValue();
    for (unsigned W = 0; W < V.getNumWords(); ++W)
      u64(V.getRawData()[W]);
    return;
  }
  if (auto *CF = dyn_cast<ConstantFP>(C)) {
    tag('f');
    APInt V = CF->getValueAPF().bitcastToAPInt();
    for (unsigned W = 0; W < V.getNumWords(); ++W)
      u64(V.getRawData()[W]);
    return;
  }
  if (auto *CDS = dyn_cast<ConstantDataSequential>(C)) {
    tag('d');
    str(CDS->getRawDataValues());
    return;
  }
  if (auto *BA = dyn_cast<BlockAddress>(C)) {
    tag('b');
    str(BA->getFunction()->getName());
    u64(BA->getFunction() == F ? Local.lookup(BA->getBasicBlock()) : ~0ull);
    return;
  }
  if (auto *CE = dyn_cast<ConstantExpr>(C)) {
    tag('e');
    u64(CE->getOpcode());
    u64(CE->getRawSubclassOptionalData());
    if (auto *GEP = dyn_cast<GEPOperator>(CE))
      type(GEP->getSourceElementType());
  }
  // Aggregates, expressions, null, undef, poison, none: kind and operands.
  tag('k');
  u64(C->getValueID());
  u64(C->getNumOperands());
  for (const Use &Op : C->operands())
    constant(cast<Constant>(Op.get()));
}

void FunctionHasher::value(const Value *V) {
  auto It = Local.find(V);
  if (It != Local.end()) {
    tag('L');
    u64(It->second);
    return;
  }
  if (auto *C = dyn_cast<Constant>(V)) {
    constant(C);
    return;
  }
  if (auto *IA = dyn_cast<InlineAsm>(V)) {
    tag('A');
    str(IA->getAsmString());
    str(IA->getConstraintString());
    u64(IA->hasSideEffects() | IA->isAlignStack() << 1 |
        unsigned(IA->getDialect()) << 2 | IA->canThrow() << 4);
    return;
  }
  if (auto *MAV = dyn_cast<MetadataAsValue>(V)) {
    // Intrinsic arguments such as constrained-FP modes; debug intrinsics
    // never get here.
    tag('M');
    if (auto *S = dyn_cast<MDString>(MAV->getMetadata()))
      str(S->getString());
    return;
  }
  tag('?');
  u64(V->getValueID());
}

void FunctionHasher::instruction(const Instruction &I) {
  tag('I');
  u64(I.getOpcode());
  type(I.getType());
  u64(I.getRawSubclassOptionalData()); // nuw, nsw, exact, fast-math, ...
  if (auto *Cmp = dyn_cast<CmpInst>(&I))
    u64(Cmp->getPredicate());
  if (auto *LI = dyn_cast<LoadInst>(&I))
    u64(LI->isVolatile() | LI->getAlign().value() << 1 |
        uint64_t(LI->getOrdering()) << 32);
  if (auto *SI = dyn_cast<StoreInst>(&I))
    u64(SI->isVolatile() | SI->getAlign().value() << 1 |
        uint64_t(SI->getOrdering()) << 32);
  if (auto *AI = dyn_cast<AllocaInst>(&I)) {
    type(AI->getAllocatedType());
    u64(AI->getAlign().value());
  }
  if (auto *GEP = dyn_cast<GetElementPtrInst>(&I))
    type(GEP->getSourceElementType());
  if (auto *CB = dyn_cast<CallBase>(&I)) {
    type(CB->getFunctionType());
    u64(CB->getCallingConv());
    attrs(CB->getAttributes());
    if (auto *CI = dyn_cast<CallInst>(CB))
      u64(CI->getTailCallKind());
    for (unsigned B = 0; B < CB->getNumOperandBundles(); ++B)
      str(CB->getOperandBundleAt(B).getTagName());
  }
  if (auto *EV = dyn_cast<ExtractValueInst>(&I))
    for (unsigned Idx : EV->indices())
      u64(Idx);
  if (auto *IV = dyn_cast<InsertValueInst>(&I))
    for (unsigned Idx : IV->indices())
      u64(Idx);
  if (auto *SV = dyn_cast<ShuffleVectorInst>(&I))
    for (int M : SV->getShuffleMask())
      u64(uint64_t(int64_t(M)));
  if (auto *RMW = dyn_cast<AtomicRMWInst>(&I))
    u64(RMW->getOperation() | uint64_t(RMW->getOrdering()) << 8 |
        uint64_t(RMW->isVolatile()) << 16);
  if (auto *CX = dyn_cast<AtomicCmpXchgInst>(&I))
    u64(uint64_t(CX->getSuccessOrdering()) | uint64_t(CX->getFailureOrdering()) << 8 |
        uint64_t(CX->isVolatile()) << 16 | uint64_t(CX->isWeak()) << 17);
  if (auto *FI = dyn_cast<FenceInst>(&I))
    u64(uint64_t(FI->getOrdering()) | uint64_t(FI->getSyncScopeID()) << 8);
  if (auto *LP = dyn_cast<LandingPadInst>(&I))
    u64(LP->isCleanup());
  if (auto *PN = dyn_cast<PHINode>(&I))
    for (const BasicBlock *BB : PN->blocks())
      u64(Local.lookup(BB));
  // The only non-debug metadata that changes what the code may assume.
  if (MDNode *R = I.getMetadata(LLVMContext::MD_range)) {
    tag('R');
    for (const MDOperand &Op : R->operands())
      if (auto *C = mdconst::dyn_extract<ConstantInt>(Op))
        u64(C->getSExtValue());
  }
  u64(I.getNumOperands());
  for (const Use &Op : I.operands())
    value(Op.get());
}

uint64_t FunctionHasher::runGlobal(const GlobalVariable &GV) {
  tag('V');
  type(GV.getValueType());
  u64(GV.isConstant() | GV.isThreadLocal() << 1 | GV.hasLocalLinkage() << 2);
  u64(GV.getAlign() ? GV.getAlign()->value() : 0);
  str(GV.hasSection() ? GV.getSection() : StringRef());
  if (GV.hasInitializer())
    constant(GV.getInitializer());
  return xxh3_64bits(ArrayRef<uint8_t>(Buf.data(), Buf.size()));
}

uint64_t FunctionHasher::run() {
  Function &F = *this->F;
  // Number arguments, blocks and instructions first: operands may refer
  // forward (phis, branches).
  unsigned N = 0;
  for (const Argument &A : F.args())
    Local[&A] = N++;
  for (const BasicBlock &BB : F) {
    Local[&BB] = N++;
    for (const Instruction &I : BB)
      if (!I.isDebugOrPseudoInst())
        Local[&I] = N++;
  }

  tag('H');
  type(F.getFunctionType());
  u64(F.getCallingConv());
  u64(F.hasLocalLinkage());
  attrs(F.getAttributes());
  str(F.hasSection() ? F.getSection() : StringRef());
  u64(F.getAlign() ? F.getAlign()->value() : 0);
  if (F.hasPersonalityFn())
    value(F.getPersonalityFn());
  if (F.hasPrefixData())
    value(F.getPrefixData());
  if (F.hasPrologueData())
    value(F.getPrologueData());
  for (const BasicBlock &BB : F) {
    tag('B');
    for (const Instruction &I : BB)
      if (!I.isDebugOrPseudoInst())
        instruction(I);
  }
  return xxh3_64bits(ArrayRef<uint8_t>(Buf.data(), Buf.size()));
}

} // namespace

uint64_t fingerprintFunction(Function &F, FingerprintCache &Cache) {
  uint64_t H = FunctionHasher(&F, Cache).run();
  LLVM_DEBUG(dbgs() << "klp-lto: fingerprint " << F.getName() << " "
                    << format_hex(H, 18) << "\n");
  return H;
}

uint64_t fingerprintGlobal(const GlobalVariable &GV, FingerprintCache &Cache) {
  return FunctionHasher(nullptr, Cache).runGlobal(GV);
}

} // namespace klp
