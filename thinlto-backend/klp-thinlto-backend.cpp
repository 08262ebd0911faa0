//===- klp-thinlto-backend.cpp - a ThinLTO backend that runs pass plugins -===//
//
// The remote compiler for lld's distributed ThinLTO (DTLTO) when the
// backends must run the klp-lto plugin.  lld-22 hands its distributor one
// command per backend, `COMPILER -c --target=T -O2 -faddrsig
// -ffunction-sections -fdata-sections -Wno-unused-command-line-argument
// [--thinlto-remote-compiler-arg...] IN.o -fthinlto-index=IN.thinlto.bc -o
// OUT.o`, with clang as the compiler.  clang-22 loads `-fpass-plugin=` for
// such a command (its options parse) but its -fthinlto-index backend never
// gives the plugin to the LTO pipeline (clang's runThinLTOBackend leaves
// lto::Config::PassPlugins empty; measured: no plugin pass in
// -print-pipeline-passes, no .klp.lto in the object).  LLVM 23 fixes that
// (llvm-project PR 183525); until then this tool takes clang's place.
//
// It accepts exactly that command line and runs the same lto::thinBackend
// as lld's in-process ThinLTO, with the lto::Config lld-22 builds
// (lld/ELF/LTO.cpp createConfig): codegen flags from -mllvm, address
// significance tables, a section per function and datum, -O for the
// optimizer and the code generator, vectorizers above -O1, and the pass
// plugins.  So a distributed backend emits what the in-process one does,
// the klp-lto record included.  Options it does not know are refused, by
// name, rather than ignored: an ignored option would make the distributed
// build silently differ from the in-process one.
//
//===----------------------------------------------------------------------===//

#include "llvm/Bitcode/BitcodeReader.h"
#include "llvm/CodeGen/CommandFlags.h"
#include "llvm/IR/DiagnosticInfo.h"
#include "llvm/IR/DiagnosticPrinter.h"
#include "llvm/IR/ModuleSummaryIndex.h"
#include "llvm/LTO/Config.h"
#include "llvm/LTO/LTOBackend.h"
#include "llvm/Plugins/PassPlugin.h"
#include "llvm/Support/Caching.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Transforms/IPO/FunctionImport.h"

#include <optional>
#include <string>
#include <vector>

using namespace llvm;

static const char *const Prog = "klp-thinlto-backend";

// The codegen flags (-mllvm -mcpu=, -relocation-model=, ...), as lld has them.
static codegen::RegisterCodeGenFlags CodeGenFlags;

namespace {

[[noreturn]] void die(const Twine &Msg) {
  WithColor::error(errs(), Prog) << Msg << "\n";
  exit(1);
}

// What the command line asks for.
struct Command {
  std::string Input, Index, Output;
  unsigned OptLevel = 2;
  bool Addrsig = false, FunctionSections = false, DataSections = false;
  std::optional<Reloc::Model> Reloc; // none: as the module says (lld -r)
  std::vector<std::string> Plugins;
  std::vector<std::string> Mllvm;
};

Command parse(int Argc, char **Argv) {
  Command C;
  bool SawC = false;
  auto Value = [&](int &I, StringRef Flag) -> std::string {
    if (I + 1 >= Argc)
      die(Flag + ": missing value");
    return Argv[++I];
  };
  for (int I = 1; I < Argc; ++I) {
    StringRef A = Argv[I];
    if (A == "-c")
      SawC = true;
    else if (A.consume_front("--target=") || A == "-Wno-unused-command-line-argument")
      ; // the module's own triple rules, as in lld; the warning is clang's
    else if (A.size() == 3 && A.starts_with("-O") && A[2] >= '0' && A[2] <= '3')
      C.OptLevel = A[2] - '0';
    else if (A == "-faddrsig")
      C.Addrsig = true;
    else if (A == "-ffunction-sections")
      C.FunctionSections = true;
    else if (A == "-fdata-sections")
      C.DataSections = true;
    else if (A == "-fpic" || A == "-fPIC")
      C.Reloc = Reloc::PIC_;
    else if (A == "-fno-pic" || A == "-fno-PIC")
      C.Reloc = Reloc::Static;
    else if (A.consume_front("-fpass-plugin="))
      C.Plugins.push_back(A.str());
    else if (A == "-mllvm")
      C.Mllvm.push_back(Value(I, A));
    else if (A.consume_front("-mllvm="))
      C.Mllvm.push_back(A.str());
    else if (A.consume_front("-fthinlto-index="))
      C.Index = A.str();
    else if (A == "-o")
      C.Output = Value(I, A);
    else if (A == "-x") {
      if (Value(I, A) != "ir")
        die("-x " + Twine(Argv[I]) + ": only -x ir (bitcode) is a backend input");
    } else if (A.starts_with("-"))
      die("unsupported option '" + A +
          "': this tool runs lld's ThinLTO backend command line "
          "(docs/klp-gen.md, \"Distributed ThinLTO\")");
    else if (!C.Input.empty())
      die("more than one input: " + C.Input + " and " + A);
    else
      C.Input = A.str();
  }
  if (!SawC)
    die("-c missing: the only action is a backend compile to an object");
  if (C.Input.empty() || C.Index.empty() || C.Output.empty())
    die("usage: " + Twine(Prog) +
        " -c [options] IN.o -fthinlto-index=INDEX -o OUT.o");
  return C;
}

lto::Config makeConfig(const Command &C, bool &Failed) {
  lto::Config Conf;
  // As lld-22's createConfig: codegen flags, addrsig, sections per symbol.
  Conf.Options = codegen::InitTargetOptionsFromCodeGenFlags(Triple());
  Conf.Options.EmitAddrsig = C.Addrsig;
  Conf.Options.FunctionSections = C.FunctionSections;
  Conf.Options.DataSections = C.DataSections;
  if (auto R = codegen::getExplicitRelocModel())
    Conf.RelocModel = *R;
  else
    Conf.RelocModel = C.Reloc; // nullopt: lld's relocatable (-r) link
  Conf.CodeModel = codegen::getExplicitCodeModel();
  Conf.OptLevel = C.OptLevel;
  Conf.CGOptLevel = *CodeGenOpt::getLevel(C.OptLevel);
  Conf.CPU = codegen::getCPUStr();
  Conf.MAttrs = codegen::getMAttrs();
  Conf.PTO.LoopVectorization = Conf.OptLevel > 1;
  Conf.PTO.SLPVectorization = Conf.OptLevel > 1;
  Conf.PassPlugins = C.Plugins;
  // A plugin's user error (klp-lto reports them as DS_Error) fails the job,
  // as it fails lld's link.
  Conf.DiagHandler = [&Failed](const DiagnosticInfo &DI) {
    DiagnosticPrinterRawOStream DP(errs());
    errs() << Prog << ": ";
    switch (DI.getSeverity()) {
    case DS_Error:
      Failed = true;
      errs() << "error: ";
      break;
    case DS_Warning:
      errs() << "warning: ";
      break;
    case DS_Remark:
    case DS_Note:
      errs() << "note: ";
      break;
    }
    DI.print(DP);
    errs() << "\n";
  };
  return Conf;
}

} // namespace

int main(int Argc, char **Argv) {
  InitLLVM X(Argc, Argv);
  InitializeAllTargetInfos();
  InitializeAllTargets();
  InitializeAllTargetMCs();
  InitializeAllAsmPrinters();
  InitializeAllAsmParsers();

  Command C = parse(Argc, Argv);

  // Load the plugins before parsing -mllvm: their own options live in them.
  for (const std::string &P : C.Plugins) {
    Expected<PassPlugin> Plugin = PassPlugin::Load(P);
    if (!Plugin)
      die("-fpass-plugin=" + P + ": " + toString(Plugin.takeError()));
  }
  std::vector<const char *> ClArgs{Prog};
  for (const std::string &A : C.Mllvm)
    ClArgs.push_back(A.c_str());
  if (!cl::ParseCommandLineOptions(ClArgs.size(), ClArgs.data(),
                                   "klp-thinlto-backend", &errs()))
    return 1;

  bool Failed = false;
  lto::Config Conf = makeConfig(C, Failed);
  lto::LTOLLVMContext Ctx(Conf);

  ErrorOr<std::unique_ptr<MemoryBuffer>> Buf = MemoryBuffer::getFile(C.Input);
  if (!Buf)
    die(C.Input + ": " + Buf.getError().message());
  Expected<BitcodeModule> BM = lto::findThinLTOModule((*Buf)->getMemBufferRef());
  if (!BM)
    die(C.Input + ": " + toString(BM.takeError()));
  Expected<std::unique_ptr<Module>> M = BM->parseModule(Ctx);
  if (!M)
    die(C.Input + ": " + toString(M.takeError()));

  Expected<std::unique_ptr<ModuleSummaryIndex>> Index =
      getModuleSummaryIndexForFile(C.Index);
  if (!Index)
    die(C.Index + ": " + toString(Index.takeError()));
  if ((*Index)->skipModuleByDistributedBackend())
    die(C.Index + ": the thin link skipped this module (an index-only "
                  "build's placeholder), not a backend job");

  FunctionImporter::ImportIDTable ImportIDs;
  FunctionImporter::ImportMapTy ImportList(ImportIDs);
  if (!lto::initImportList(**M, **Index, ImportList))
    die(C.Index + ": cannot read the import list of " + C.Input);
  DenseMap<StringRef, GVSummaryMapTy> DefinedPerModule;
  (*Index)->collectDefinedGVSummariesPerModule(DefinedPerModule);

  std::error_code EC;
  auto Out = std::make_unique<raw_fd_ostream>(C.Output, EC, sys::fs::OF_None);
  if (EC)
    die(C.Output + ": " + EC.message());
  auto AddStream = [&](unsigned, const Twine &)
      -> Expected<std::unique_ptr<CachedFileStream>> {
    return std::make_unique<CachedFileStream>(std::move(Out), C.Output);
  };
  Error E = lto::thinBackend(Conf, /*Task=*/0, AddStream, **M, **Index,
                             ImportList,
                             DefinedPerModule[(*M)->getModuleIdentifier()],
                             /*ModuleMap=*/nullptr, /*CodeGenOnly=*/false);
  if (E || Failed) {
    if (E)
      WithColor::error(errs(), Prog) << C.Input << ": " << toString(std::move(E))
                                     << "\n";
    Out.reset();
    sys::fs::remove(C.Output); // no partial object
    return 1;
  }
  return 0;
}
