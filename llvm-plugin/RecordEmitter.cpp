//===- RecordEmitter.cpp - write the record into the object being compiled ===//

#include "RecordEmitter.h"
#include "AsmScanner.h"
#include "Fingerprint.h"
#include "Options.h"
#include "Provenance.h"
#include "SourceInfo.h"
#include "SourcePaths.h"
#include "Version.h"
#include "klp/record_format.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/Statistic.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/GlobalAlias.h"
#include "llvm/IR/Mangler.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/Base64.h"
#include "llvm/Support/Compression.h"
#include "llvm/Support/Debug.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Support/xxhash.h"
#include "llvm/TargetParser/Triple.h"
#include "llvm/Transforms/IPO/GlobalDCE.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

using namespace llvm;

#define DEBUG_TYPE "klp-lto-record"

// Per blob written; a record written again after a late pass (hot/cold
// splitting, the IR outliner) counts again, and in NumRewrites.
ALWAYS_ENABLED_STATISTIC(NumBlobs, "Record blobs written");
ALWAYS_ENABLED_STATISTIC(NumRewrites,
                         "Records written again after a late pass");
ALWAYS_ENABLED_STATISTIC(NumBytes, "Bytes of record written");
ALWAYS_ENABLED_STATISTIC(NumFunctions, "Functions recorded");
ALWAYS_ENABLED_STATISTIC(NumData, "Variables recorded");
ALWAYS_ENABLED_STATISTIC(NumAliases, "Aliases recorded");
ALWAYS_ENABLED_STATISTIC(NumAsmFunctions,
                         "Top-level asm functions recorded");
ALWAYS_ENABLED_STATISTIC(NumClones,
                         "Recorded functions that are copies or pieces");
ALWAYS_ENABLED_STATISTIC(NumNoSrc,
                         "Recorded entries without a source identity");
ALWAYS_ENABLED_STATISTIC(NumPromoted,
                         "Recorded locals that ThinLTO promoted (NAME.llvm.N)");
ALWAYS_ENABLED_STATISTIC(NumSrcs, "Source identities recorded");
ALWAYS_ENABLED_STATISTIC(NumEdges, "Provenance edges recorded");

namespace klp {
namespace {

// Builds one blob: the tables of docs/record-format.md, with each func's
// `addr` slot left zero and its symbol remembered for the relocation.
class BlobBuilder {
public:
  BlobBuilder() { Strtab.push_back('\0'); }

  uint32_t str(StringRef S);
  uint32_t src(MDNode *N);
  const SrcInfo *srcInfo(MDNode *N);
  void addFunc(StringRef Sym, MDNode *Src, const ProvSet &Prov, uint32_t Flags,
               uint32_t Binding);
  std::string toAsm(uint32_t Phase, StringRef Unit, StringRef Producer,
                    StringRef Build);

private:
  void countRecorded(uint32_t Size) const;

private:
  std::vector<char> Strtab;
  StringMap<uint32_t> StrIndex;
  DenseMap<MDNode *, uint32_t> SrcIndex;
  // Each src node decoded once per blob: the same srcs are named by the
  // edges of many functions.  Null: not a src node.
  DenseMap<MDNode *, std::unique_ptr<SrcInfo>> SrcInfos;
  std::vector<klp_rec_src> Srcs;
  std::vector<klp_rec_func> Funcs;
  std::vector<std::string> FuncSyms;
  std::vector<klp_rec_edge> Edges;
};

void BlobBuilder::countRecorded(uint32_t Size) const {
  ++NumBlobs;
  NumBytes += Size;
  NumSrcs += Srcs.size();
  NumEdges += Edges.size();
  for (size_t I = 0; I < Funcs.size(); ++I) {
    uint32_t Fl = Funcs[I].flags;
    if (Fl & KLP_FUNC_ALIAS)
      ++NumAliases;
    else if (Fl & KLP_FUNC_DATA)
      ++NumData;
    else if (Fl & KLP_FUNC_ASM)
      ++NumAsmFunctions;
    else
      ++NumFunctions;
    if (Fl & KLP_FUNC_CLONE)
      ++NumClones;
    if (Fl & KLP_FUNC_NOSRC)
      ++NumNoSrc;
    StringRef Sym = FuncSyms[I];
    if (stripPromotedSuffix(Sym))
      ++NumPromoted;
  }
  LLVM_DEBUG(dbgs() << "klp-lto: record of " << Funcs.size() << " entries, "
                    << Srcs.size() << " srcs, " << Edges.size() << " edges, "
                    << Size << " bytes\n");
}

uint32_t BlobBuilder::str(StringRef S) {
  if (S.empty())
    return 0;
  auto [It, New] = StrIndex.try_emplace(S, Strtab.size());
  if (New) {
    Strtab.insert(Strtab.end(), S.begin(), S.end());
    Strtab.push_back('\0');
  }
  return It->second;
}

uint32_t BlobBuilder::src(MDNode *N) {
  auto It = SrcIndex.find(N);
  if (It != SrcIndex.end())
    return It->second;
  const SrcInfo *IP = srcInfo(N);
  if (!IP) // not ours: treat as unknown
    return KLP_REC_NO_SRC;
  const SrcInfo &I = *IP;
  klp_rec_src S = {};
  S.fingerprint = I.Fingerprint;
  S.name = str(I.Name);
  S.file = str(I.File);
  S.unit = str(I.Unit);
  S.line_begin = I.LineBegin;
  S.line_end = I.LineEnd;
  S.flags = I.Flags;
  S.section = str(I.Section);
  uint32_t Idx = Srcs.size();
  Srcs.push_back(S);
  SrcIndex[N] = Idx;
  return Idx;
}

const SrcInfo *BlobBuilder::srcInfo(MDNode *N) {
  auto [It, New] = SrcInfos.try_emplace(N);
  if (New) {
    auto I = std::make_unique<SrcInfo>();
    if (readSrcNode(N, *I))
      It->second = std::move(I);
  }
  return It->second.get();
}

void BlobBuilder::addFunc(StringRef Sym, MDNode *Src, const ProvSet &Prov,
                          uint32_t Flags, uint32_t Binding) {
  klp_rec_func F = {};
  F.sym = str(Sym);
  F.src = Src ? src(Src) : KLP_REC_NO_SRC;
  if (F.src == KLP_REC_NO_SRC)
    Flags |= KLP_FUNC_NOSRC;
  F.flags = Flags;
  F.binding = Binding;
  F.edge_first = Edges.size();
  // An edge to itself says nothing (its own callers after inlining a
  // callee that it calls); an extern edge says nothing once the same name is
  // known with a body (a prelink declaration that became a backend import).
  // The rest are sorted by kind, then by what they name, before their
  // sources get an index: the order of the edges, of the srcs and of the
  // strings then depends only on the sources, not on the order in which
  // passes happened to add the edges.  Each edge's node is decoded once.
  struct Cand {
    MDNode *N;
    const SrcInfo *I; // owned by SrcInfos
    uint16_t Kind, EFlags;
  };
  std::vector<Cand> Cands;
  SmallVector<StringRef, 16> Known; // names of the edges that are not extern
  for (const auto &[K, E] : Prov.edges()) {
    const SrcInfo *IP = srcInfo(K.first);
    if (!IP)
      continue;
    if (!(IP->Flags & KLP_SRC_EXTERN))
      Known.push_back(IP->Name);
    if (K.first == Src || K.second >= 4)
      continue;
    Cands.push_back({K.first, IP, K.second, E.Flags});
  }
  if (!Known.empty()) {
    llvm::sort(Known);
    llvm::erase_if(Cands, [&](const Cand &C) {
      return (C.I->Flags & KLP_SRC_EXTERN) &&
             std::binary_search(Known.begin(), Known.end(), C.I->Name);
    });
  }
  // Lexicographic on (kind, name, file, unit, fingerprint, lines, flags,
  // section): the same answers as comparing those tuples, without building
  // them for every comparison.
  auto Less = [](const Cand &A, const Cand &B) {
    if (A.Kind != B.Kind)
      return A.Kind < B.Kind;
    const SrcInfo &X = *A.I, &Y = *B.I;
    if (int C = X.Name.compare(Y.Name))
      return C < 0;
    if (int C = X.File.compare(Y.File))
      return C < 0;
    if (int C = X.Unit.compare(Y.Unit))
      return C < 0;
    if (X.Fingerprint != Y.Fingerprint)
      return X.Fingerprint < Y.Fingerprint;
    if (X.LineBegin != Y.LineBegin)
      return X.LineBegin < Y.LineBegin;
    if (X.LineEnd != Y.LineEnd)
      return X.LineEnd < Y.LineEnd;
    if (X.Flags != Y.Flags)
      return X.Flags < Y.Flags;
    return X.Section.compare(Y.Section) < 0;
  };
  std::sort(Cands.begin(), Cands.end(), Less);
  std::vector<klp_rec_edge> Mine;
  for (const Cand &C : Cands) {
    uint32_t S = src(C.N);
    if (S != KLP_REC_NO_SRC)
      Mine.push_back({S, C.Kind, C.EFlags});
  }
  Edges.insert(Edges.end(), Mine.begin(), Mine.end());
  F.edge_count = Mine.size();
  Funcs.push_back(F);
  FuncSyms.push_back(Sym.str());
}

// A symbol as the assembler must see it: quoted unless plainly spelled.
std::string asmSymbol(StringRef Name) {
  bool Plain = !Name.empty() && !isdigit((unsigned char)Name[0]);
  for (char C : Name)
    Plain &= isalnum((unsigned char)C) || C == '_' || C == '.' || C == '$';
  if (Plain)
    return Name.str();
  std::string Q = "\"";
  for (char C : Name) {
    if (C == '"' || C == '\\')
      Q += '\\';
    Q += C;
  }
  return Q + "\"";
}

// The tables (funcs without their addr words, srcs, edges, strings) as one
// payload, deflated when LLVM has zlib (Debian's has): they shrink to about a
// third, and the assembler parses a third as many words (docs/record-format.md,
// "Blob layout"; docs/performance.md has the measurements that chose it).
static std::vector<uint8_t> encodePayload(ArrayRef<uint8_t> Tables,
                                          uint32_t &Codec) {
  if (!compression::zlib::isAvailable()) {
    Codec = KLP_CODEC_STORED;
    return std::vector<uint8_t>(Tables.begin(), Tables.end());
  }
  SmallVector<uint8_t, 0> Out;
  compression::zlib::compress(Tables, Out,
                              compression::zlib::DefaultCompression);
  Codec = KLP_CODEC_ZLIB;
  return std::vector<uint8_t>(Out.begin(), Out.end());
}

std::string BlobBuilder::toAsm(uint32_t Phase, StringRef Unit,
                               StringRef Producer, StringRef Build) {
  klp_rec_header H = {};
  memcpy(H.magic, KLP_REC_MAGIC, KLP_REC_MAGIC_LEN);
  H.version_major = KLP_REC_VERSION_MAJOR;
  H.version_minor = KLP_REC_VERSION_MINOR;
  H.header_size = sizeof(H);
  H.phase = Phase;
  H.unit = str(Unit);
  H.producer = str(Producer);
  H.toolchain_id = xxh3_64bits(Producer);
  H.build_id = str(Build);
  H.nfunc = Funcs.size();
  H.nsrc = Srcs.size();
  H.nedge = Edges.size();
  H.strtab_size = Strtab.size();

  std::vector<uint8_t> Tables;
  auto Put = [](std::vector<uint8_t> &V, const void *P, size_t N) {
    const uint8_t *B = static_cast<const uint8_t *>(P);
    V.insert(V.end(), B, B + N);
  };
  Put(Tables, Funcs.data(), Funcs.size() * sizeof(klp_rec_func));
  Put(Tables, Srcs.data(), Srcs.size() * sizeof(klp_rec_src));
  Put(Tables, Edges.data(), Edges.size() * sizeof(klp_rec_edge));
  Put(Tables, Strtab.data(), Strtab.size());
  std::vector<uint8_t> Payload = encodePayload(Tables, H.codec);
  H.payload_size = Payload.size();

  // Header, then the addr words (written below as symbols), then the
  // payload, zero-padded to 8.
  size_t AddrBytes = Funcs.size() * sizeof(klp_rec_addr);
  H.blob_size = alignTo(sizeof(H) + AddrBytes + Payload.size(), KLP_REC_ALIGN);
  countRecorded(H.blob_size);
  std::vector<uint8_t> Words;
  Put(Words, &H, sizeof(H));
  Put(Words, Payload.data(), Payload.size());
  Words.resize(alignTo(Words.size(), KLP_REC_ALIGN), 0);

  // The blob's bytes as .base64 strings, each addr word as `.quad SYMBOL`
  // so that the assembler emits the relocation.  The assembler decodes
  // base64 for a few instructions a byte; `.quad 0x...` words (what this
  // wrote before, the same bytes) cost it a token and an expression per
  // word, 0.7 % of a ThinLTO backend (docs/performance.md).
  std::string Out;
  raw_string_ostream OS(Out);
  OS << "\t.pushsection " KLP_REC_SECTION ",\"\",@progbits\n\t.p2align 3\n";
  auto Bytes = [&](size_t From, size_t To) {
    // Lines of 768 bytes (1024 characters); only the last one padded.
    for (size_t B = From; B < To; B += 768) {
      size_t E = std::min(To, B + 768);
      OS << "\t.base64 \""
         << encodeBase64(ArrayRef<uint8_t>(Words.data() + B, E - B)) << "\"\n";
    }
  };
  Bytes(0, sizeof(H));
  for (const std::string &Sym : FuncSyms)
    OS << "\t.quad " << asmSymbol(Sym) << "\n";
  Bytes(sizeof(H), Words.size());
  OS << "\t.popsection\n";
  return Out;
}

uint32_t bindingOf(const GlobalValue &GV) {
  if (GV.hasLocalLinkage())
    return KLP_BIND_LOCAL;
  if (GV.isWeakForLinker())
    return KLP_BIND_WEAK;
  return KLP_BIND_GLOBAL;
}

// A function without `!klp.src` that a pass made from another one keeps the
// other's name as a prefix: foo.cold.1, foo.part.0, foo.specialized.2.
MDNode *srcByNamePrefix(const Module &M, StringRef Name, ProvSet &Prov) {
  while (true) {
    size_t Dot = Name.rfind('.');
    if (Dot == StringRef::npos || Dot == 0)
      return nullptr;
    Name = Name.take_front(Dot);
    if (const Function *F = M.getFunction(Name))
      if (MDNode *N = getSrcNode(*F)) {
        Prov = ProvSet::load(*F);
        return N;
      }
  }
}

} // namespace

static constexpr const char *BlobBegin = "# klp-lto record begin\n";
static constexpr const char *BlobEnd = "# klp-lto record end\n";
static constexpr const char *PhaseFlag = "klp.record.phase";

// Top-level asm without a record we wrote before.
static std::string asmWithoutRecord(StringRef Asm) {
  size_t B = Asm.find(BlobBegin);
  if (B == StringRef::npos)
    return Asm.str();
  size_t E = Asm.find(BlobEnd, B);
  E = E == StringRef::npos ? Asm.size() : E + strlen(BlobEnd);
  return (Asm.take_front(B) + Asm.drop_front(E)).str();
}

void emitRecord(Module &M, uint32_t Phase) {
  Triple TT(M.getTargetTriple());
  if (TT.getArch() != Triple::x86_64 || !TT.isOSBinFormatELF()) {
    // The compile fails with this error; no record is written.
    reportError(M.getContext(), Twine("record format 3 supports x86-64 ELF "
                                      "only; this module targets ") +
                                    TT.str());
    return;
  }

  std::string Asm = asmWithoutRecord(M.getModuleInlineAsm());
  LLVMContext &Ctx = M.getContext();
  SourcePaths Paths(M);
  FingerprintCache FPCache;
  BlobBuilder B;
  Mangler Mang;
  auto SymName = [&](const GlobalValue &GV) {
    SmallString<128> S;
    Mang.getNameWithPrefix(S, &GV, /*CannotUsePrivateLabel=*/false);
    return std::string(S);
  };
  // A local function nothing refers to is about to be deleted by GlobalDCE
  // (this runs again after passes that come after GlobalDCE could run).
  auto WillBeDeleted = [](const GlobalValue &GV) {
    return GV.isDiscardableIfUnused() && GV.use_empty();
  };

  // Entries in name order, not in the module's order: a backend module's
  // list of globals depends on the order in which ThinLTO imported into it,
  // and that follows the names lld gives the modules (a thin archive member
  // is `vmlinux.a(main.o at 279606)` to an in-process backend but
  // `init/main.o` to a distributed one, measured on the kernel), so the same
  // code would otherwise give differently ordered records.  Names are unique
  // in a module.
  auto ByName = [](auto &&List) {
    std::vector<std::remove_reference_t<decltype(*List.begin())> *> V;
    for (auto &G : List)
      V.push_back(&G);
    llvm::sort(V, [](auto *A, auto *B) { return A->getName() < B->getName(); });
    return V;
  };

  for (Function *FP : ByName(M)) {
    Function &F = *FP;
    if (F.isDeclaration() || F.hasAvailableExternallyLinkage() ||
        F.hasPrivateLinkage() || WillBeDeleted(F))
      continue;
    uint32_t Flags = F.getMetadata(CloneMDKind) ? KLP_FUNC_CLONE : 0;
    ProvSet Prov = ProvSet::load(F);
    MDNode *Src = getSrcNode(F);
    if (!Src) {
      Src = srcByNamePrefix(M, F.getName(), Prov);
      if (Src)
        Flags |= KLP_FUNC_CLONE;
    }
    B.addFunc(SymName(F), Src, Prov, Flags, bindingOf(F));
  }

  for (GlobalVariable *GVP : ByName(M.globals())) {
    GlobalVariable &GV = *GVP;
    if (GV.isDeclaration() || GV.hasAvailableExternallyLinkage() ||
        !isRecordedData(GV) || WillBeDeleted(GV))
      continue;
    MDNode *Src = getSrcNode(GV);
    if (!Src) // created by a pass (e.g. a merged or promoted constant)
      Src = computeDataSrcNode(GV, Paths, FPCache);
    B.addFunc(SymName(GV), Src, ProvSet(), KLP_FUNC_DATA, bindingOf(GV));
  }

  for (GlobalAlias *GAP : ByName(M.aliases())) {
    GlobalAlias &GA = *GAP;
    auto *F = dyn_cast_or_null<Function>(GA.getAliaseeObject());
    if (!F || F->isDeclaration() || GA.hasPrivateLinkage() || WillBeDeleted(GA))
      continue;
    B.addFunc(SymName(GA), getSrcNode(*F), ProvSet::load(*F), KLP_FUNC_ALIAS,
              bindingOf(GA));
  }

  AsmSymbols AsmSyms = scanAsmSymbols(Asm);
  StringMap<MDNode *> AsmSrcs;
  if (!AsmSyms.Functions.empty()) {
    SrcInfo I;
    I.File = I.Unit = Paths.unit();
    I.Flags = KLP_SRC_NODEBUG;
    I.Fingerprint = xxh3_64bits(Asm); // any change to the unit's asm
    for (const AsmFunction &AF : AsmSyms.Functions) {
      I.Name = AF.Name;
      MDNode *N = makeSrcNode(Ctx, I);
      AsmSrcs[AF.Name] = N;
      B.addFunc(AF.Name, N, ProvSet(), KLP_FUNC_ASM, AF.Binding);
    }
  }
  for (const AsmAlias &AA : AsmSyms.Aliases) {
    if (GlobalValue *GV = M.getNamedValue(AA.Name))
      if (!GV->isDeclaration())
        continue; // an IR definition has its own entry
    Function *F = M.getFunction(AA.Target);
    if (F && !F->isDeclaration() && !F->hasAvailableExternallyLinkage())
      B.addFunc(AA.Name, getSrcNode(*F), ProvSet::load(*F), KLP_FUNC_ALIAS,
                AA.Binding);
    else if (MDNode *N = AsmSrcs.lookup(AA.Target))
      B.addFunc(AA.Name, N, ProvSet(), KLP_FUNC_ALIAS | KLP_FUNC_ASM,
                AA.Binding);
  }

  std::string Producer = std::string("klp-lto " KLP_LTO_VERSION "; LLVM ") +
                         LLVM_VERSION_STRING + "; " + TT.str();
  if (!Asm.empty() && Asm.back() != '\n')
    Asm += '\n';
  Asm += BlobBegin;
  Asm += B.toAsm(Phase, Paths.unit(), Producer, buildIdOption());
  Asm += BlobEnd;
  M.setModuleInlineAsm(Asm);
  if (!M.getModuleFlag(PhaseFlag))
    M.addModuleFlag(Module::Warning, PhaseFlag, Phase);
}

void reemitRecordIfWritten(Module &M) {
  if (auto *C = mdconst::extract_or_null<ConstantInt>(M.getModuleFlag(PhaseFlag))) {
    ++NumRewrites;
    emitRecord(M, C->getZExtValue());
  }
}

PreservedAnalyses RecordEmitterPass::run(Module &M,
                                         ModuleAnalysisManager &MAM) {
  // The pipeline's last GlobalDCE runs after OptimizerLast.  A function it
  // would delete must not be named in the record (the assembler would turn
  // the name into an undefined symbol that some other object could satisfy),
  // so run it now; the pipeline's own run then finds nothing left to do.
  GlobalDCEPass().run(M, MAM);
  emitRecord(M, Phase);
  return PreservedAnalyses::none();
}

} // namespace klp
