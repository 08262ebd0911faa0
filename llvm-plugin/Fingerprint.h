//===- Fingerprint.h - hash of a function's unoptimized IR ---------------===//
//
// Two builds compare source functions by this hash, so it must change with
// the code and nothing else: no debug info, no value names, no numbering of
// anonymous globals or types.  docs/record-format.md lists what goes in.
//
//===----------------------------------------------------------------------===//
#ifndef KLP_LTO_FINGERPRINT_H
#define KLP_LTO_FINGERPRINT_H

#include "llvm/ADT/DenseMap.h"
#include "llvm/IR/Attributes.h"
#include <cstdint>
#include <utility>
#include <vector>

namespace llvm {
class Function;
class GlobalVariable;
class Type;
} // namespace llvm

namespace klp {

/// The bytes the fingerprint serializes for each aggregate type and
/// attribute list met so far in one module: met again, in any function,
/// they are copied from here instead of walked (types) or printed
/// (attribute lists) again.  The same bytes, so the same fingerprints.  The
/// keys are the context's uniqued types and lists: a cache must not outlive
/// the module's pass over them.
struct FingerprintCache {
  using Span = std::pair<uint32_t, uint32_t>; // offset, size in Bytes
  std::vector<uint8_t> Bytes;
  llvm::DenseMap<llvm::Type *, Span> Types;
  llvm::DenseMap<llvm::AttributeList, Span> Attrs;
};

uint64_t fingerprintFunction(llvm::Function &F, FingerprintCache &Cache);
/// A global variable: its type layout, initializer, section, alignment and
/// constness; the same operand rules as for code.
uint64_t fingerprintGlobal(const llvm::GlobalVariable &GV,
                           FingerprintCache &Cache);
} // namespace klp

#endif
