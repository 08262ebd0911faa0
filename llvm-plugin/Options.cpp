//===- Options.cpp - the plugin's command-line options and their checks --===//

#include "Options.h"

#include "llvm/ADT/Twine.h"
#include "llvm/IR/DiagnosticInfo.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Debug.h"
#include "llvm/Support/FileSystem.h"

using namespace llvm;

#define DEBUG_TYPE "klp-lto"

namespace klp {
namespace {

// The identity of the build this compile or LTO link belongs to (for the
// kernel: its release and a hash of its config, passed by kbuild to clang
// and ld.lld alike).  Every blob carries it; klp-gen refuses to compare
// records whose identities differ (docs/record-format.md).
cl::opt<std::string> BuildId(
    "klp-lto-build-id", cl::init(""), cl::value_desc("string"),
    cl::desc("klp-lto: the build identity every record blob carries "
             "(e.g. kernel release and config hash)"));

// The source tree's root (for the kernel: $(srctree) made absolute; for an
// external module: its M= dir).  Without it, the compile directory.
cl::opt<std::string> SourceRoot(
    "klp-lto-source-root", cl::init(""), cl::value_desc("dir"),
    cl::desc("klp-lto: record files relative to this directory "
             "(default: the compile directory)"));

// Only for tests that prove the cross-checks can fail: a record made with
// this is incomplete.
cl::opt<bool> NoInlineTracking(
    "klp-lto-no-inline-tracking", cl::Hidden,
    cl::desc("klp-lto: do not record the inliner's decisions (tests only)"));

// The identity is compared and printed as text (klp-gen dump, refusals), so
// it is one word of printable ASCII.
bool checkBuildId(LLVMContext &Ctx) {
  StringRef Id = BuildId;
  for (size_t I = 0; I < Id.size(); ++I) {
    unsigned char C = Id[I];
    if (C > ' ' && C < 0x7f)
      continue;
    reportError(Ctx, Twine("-klp-lto-build-id: character ") +
                         "0x" + Twine::utohexstr(C) + " at offset " + Twine(I) +
                         " is not printable ASCII or is a space");
    return false;
  }
  return true;
}

// The record names files relative to the root; a root that is not there
// would silently give absolute paths that differ from build to build.
bool checkSourceRoot(LLVMContext &Ctx) {
  if (SourceRoot.empty())
    return true;
  sys::fs::file_status St;
  if (std::error_code EC = sys::fs::status(SourceRoot.getValue(), St)) {
    reportError(Ctx, "-klp-lto-source-root=" + SourceRoot + ": " +
                         EC.message());
    return false;
  }
  if (!sys::fs::is_directory(St)) {
    reportError(Ctx, "-klp-lto-source-root=" + SourceRoot +
                         ": not a directory");
    return false;
  }
  return true;
}

} // namespace

StringRef buildIdOption() { return BuildId; }
StringRef sourceRootOption() { return SourceRoot; }
bool noInlineTrackingOption() { return NoInlineTracking; }

void reportError(LLVMContext &Ctx, const Twine &Msg) {
  LLVM_DEBUG(dbgs() << "klp-lto: error: " << Msg << "\n");
  Ctx.diagnose(DiagnosticInfoGeneric("klp-lto: " + Msg, DS_Error));
}

bool checkOptions(Module &M) {
  LLVMContext &Ctx = M.getContext();
  bool Id = checkBuildId(Ctx);
  bool Root = checkSourceRoot(Ctx);
  return Id && Root;
}

} // namespace klp
