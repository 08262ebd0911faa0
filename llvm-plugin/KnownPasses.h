//===- KnownPasses.h - what each pipeline pass means for the record ------===//
//
// The table is KnownPasses.def (one place, read by the known-passes test).
//
//===----------------------------------------------------------------------===//
#ifndef KLP_LTO_KNOWNPASSES_H
#define KLP_LTO_KNOWNPASSES_H

#include "llvm/ADT/StringRef.h"

namespace klp {

enum class PassKind { Unknown, Inliner, Ipo, Advisor, Edges, Local };

/// The kind of the pass whose instrumentation name (class name) is \p PassID.
PassKind classifyPass(llvm::StringRef PassID);

} // namespace klp

#endif
