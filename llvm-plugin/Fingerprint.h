//===- Fingerprint.h - hash of a function's unoptimized IR ---------------===//
//
// Two builds compare source functions by this hash, so it must change with
// the code and nothing else: no debug info, no value names, no numbering of
// anonymous globals or types.  docs/record-format.md lists what goes in.
//
//===----------------------------------------------------------------------===//
#ifndef KLP_LTO_FINGERPRINT_H
#define KLP_LTO_FINGERPRINT_H

#include <cstdint>

namespace llvm {
class Function;
class GlobalVariable;
} // namespace llvm

namespace klp {
uint64_t fingerprintFunction(llvm::Function &F);
/// A global variable: its type layout, initializer, section, alignment and
/// constness; the same operand rules as for code.
uint64_t fingerprintGlobal(const llvm::GlobalVariable &GV);
}

#endif
