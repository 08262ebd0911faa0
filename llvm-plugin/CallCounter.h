//===- CallCounter.h - provenance for passes that bypass the inline advisor ===//
//
// AlwaysInlinerPass, the partial inliner and the IPO module passes change
// calls without asking an InlineAdvisor.  Around each of them we count every
// function's direct calls per callee; a count that went down means the callee
// was inlined (for the inlining passes) or a call to it was removed on the
// strength of what the pass knew about its body (for the others).  The same
// snapshot lets functions that a pass created in place of old ones (argument
// promotion, dead-argument elimination, outlining) inherit their source.
//
//===----------------------------------------------------------------------===//
#ifndef KLP_LTO_CALLCOUNTER_H
#define KLP_LTO_CALLCOUNTER_H

namespace llvm {
class PassInstrumentationCallbacks;
}

namespace klp {
void registerCallCounter(llvm::PassInstrumentationCallbacks &PIC);
}

#endif
