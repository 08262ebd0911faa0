//===- Provenance.h - the set of source functions in a function's code ---===//
//
// `!klp.prov` on a function is a set of edges !{i32 kind, i32 flags, !src}:
// INLINE (the body of src is in this code), CALLEE and CALLER (inter-
// procedural passes may have used src's body).  It is metadata so that it
// survives the trip through ThinLTO bitcode and is copied with imports and
// clones; every update builds a new uniqued node.
//
//===----------------------------------------------------------------------===//
#ifndef KLP_LTO_PROVENANCE_H
#define KLP_LTO_PROVENANCE_H

#include "llvm/ADT/MapVector.h"
#include <cstdint>
#include <utility>

namespace llvm {
class Function;
class GlobalVariable;
class MDNode;
class Module;
} // namespace llvm

namespace klp {

inline constexpr const char *ProvMDKind = "klp.prov";

/// A function's edges, loaded from metadata, edited, stored back.
class ProvSet {
public:
  using Key = std::pair<llvm::MDNode *, uint16_t>; // (src, kind)

  static ProvSet load(const llvm::Function &F);
  /// From a `!klp.prov` node (null: the empty set).
  static ProvSet load(const llvm::MDNode *N);
  void store(llvm::Function &F) const;

  void add(llvm::MDNode *Src, uint16_t Kind, uint16_t Flags);
  bool has(llvm::MDNode *Src, uint16_t Kind) const {
    return Edges.count({Src, Kind});
  }
  /// Everything in \p Callee's set comes along when its body is inlined,
  /// with \p ExtraFlags added.
  void mergeInlined(const ProvSet &Callee, uint16_t ExtraFlags);

  const llvm::MapVector<Key, uint16_t> &edges() const { return Edges; }

private:
  llvm::MapVector<Key, uint16_t> Edges;
};

/// Record that \p Callee's body was inlined into \p Caller.
void noteInlined(llvm::Function &Caller, const llvm::Function &Callee,
                 uint16_t Flags);

/// Whether a global variable gets a data entry in the record.
bool isRecordedData(const llvm::GlobalVariable &GV);

/// Give every defined function a `!klp.src` (if it has none yet) and record
/// the CALLEE/CALLER edges of its direct calls, flagged \p PhaseFlag.
void recordSourcesAndCalls(llvm::Module &M, uint16_t PhaseFlag);

} // namespace klp

#endif
