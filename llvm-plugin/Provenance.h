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
  /// An edge's flags, and the edge node !{i32 kind, i32 flags, !src} it was
  /// loaded from while the flags are still that node's (null otherwise):
  /// store() reuses it instead of building (looking up) the same uniqued
  /// node again, which was most of the cost of noting an inline.
  struct Edge {
    uint16_t Flags = 0;
    llvm::MDNode *Node = nullptr;
  };

  static ProvSet load(const llvm::Function &F);
  /// From a `!klp.prov` node (null: the empty set).
  static ProvSet load(const llvm::MDNode *N);
  void store(llvm::Function &F) const;

  /// \p Node, if given, is the edge node of exactly (Src, Kind, Flags).
  void add(llvm::MDNode *Src, uint16_t Kind, uint16_t Flags,
           llvm::MDNode *Node = nullptr);
  bool has(llvm::MDNode *Src, uint16_t Kind) const {
    return Edges.count({Src, Kind});
  }
  /// Everything in \p Callee's set comes along when its body is inlined,
  /// with \p ExtraFlags added.
  void mergeInlined(const ProvSet &Callee, uint16_t ExtraFlags);

  const llvm::MapVector<Key, Edge> &edges() const { return Edges; }

private:
  llvm::MapVector<Key, Edge> Edges;
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
