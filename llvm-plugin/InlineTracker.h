//===- InlineTracker.h - see every inlining decision as it is carried out -===//
//
// An InlineAdvisor that wraps LLVM's default one: it asks the default advisor,
// and when the inliner reports that it inlined a call, it adds the callee's
// source (and everything already in the callee) to the caller's provenance.
// This sees the CGSCC inliner (mandatory and heuristic runs) and the module
// inliner; it sees an inline even when the inlined body later folds away.
//
//===----------------------------------------------------------------------===//
#ifndef KLP_LTO_INLINETRACKER_H
#define KLP_LTO_INLINETRACKER_H

namespace llvm {
class PassBuilder;
}

namespace klp {
void registerInlineTracker(llvm::PassBuilder &PB);
}

#endif
