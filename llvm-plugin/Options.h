//===- Options.h - the plugin's command-line options and their checks ----===//
//
// clang takes them as `-mllvm -klp-lto-...` (or `-mllvm=`), ld.lld as
// `-mllvm=-klp-lto-...` (with `-mllvm=-load=` of the plugin so that it
// knows them).  A bad value is a user error: it is reported through the
// module's LLVMContext as an error diagnostic (clang and lld print it and
// fail without output), never as a crash.
//
//===----------------------------------------------------------------------===//
#ifndef KLP_LTO_OPTIONS_H
#define KLP_LTO_OPTIONS_H

#include "llvm/ADT/StringRef.h"

namespace llvm {
class LLVMContext;
class Module;
class Twine;
} // namespace llvm

namespace klp {

/// -klp-lto-build-id: the build identity every blob carries; "" if none.
llvm::StringRef buildIdOption();

/// -klp-lto-source-root: the source tree's root; "" for the compile
/// directory.
llvm::StringRef sourceRootOption();

/// -klp-lto-no-inline-tracking (tests only).
bool noInlineTrackingOption();

/// Check the options' values; report each bad one through \p M's context.
/// Returns whether all are good.
bool checkOptions(llvm::Module &M);

/// Report a user error ("klp-lto: " + \p Msg) through \p Ctx.
void reportError(llvm::LLVMContext &Ctx, const llvm::Twine &Msg);

} // namespace klp

#endif
