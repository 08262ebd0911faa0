//===- SourcePaths.h - paths as the record names them --------------------===//
//
// A record names files (a function's `file`, the `unit`) by where they are in
// the source tree, not by where the tree happened to be on the build machine:
// relative to the source root, "@obj/" + relative to the object root
// (generated files of an O= build), or, outside both, the absolute path.  So
// the original and the patched build name the same file the same way
// wherever each was built (docs/record-format.md, "Source identity").
//
//===----------------------------------------------------------------------===//
#ifndef KLP_LTO_SOURCEPATHS_H
#define KLP_LTO_SOURCEPATHS_H

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include <string>

namespace llvm {
class DIFile;
class LLVMContext;
class Module;
} // namespace llvm

namespace klp {

/// The prefix of a path relative to the object root.  No source-tree path
/// starts with it unless the tree has a top-level entry named `@obj`.
inline constexpr const char *ObjPrefix = "@obj/";

class SourcePaths {
public:
  /// The roots of \p M: what its compile stored in it (`!klp.paths`), or,
  /// if it has none, computed now from -klp-lto-source-root, the current
  /// directory and \p M's debug info, and stored for its ThinLTO backend.
  explicit SourcePaths(llvm::Module &M);

  /// The unit: \p M's source_filename as the record names it.
  llvm::StringRef unit() const { return Unit; }

  /// \p F (a debug-info file, after clang's -fdebug-prefix-map) as the
  /// record names it.  The string lives as long as the context.
  llvm::StringRef file(const llvm::DIFile *F);

private:
  /// One root, by every spelling a path under it may start with.
  struct Root {
    llvm::SmallVector<std::string, 4> Spellings;
    const char *Prefix;
    void add(llvm::StringRef S);
  };

  void compute(llvm::Module &M);
  void store(llvm::Module &M) const;
  bool load(llvm::Module &M);
  std::string identify(llvm::StringRef Path) const;
  bool match(llvm::StringRef Path, std::string &Out) const;

  llvm::LLVMContext &Ctx;
  Root Src{{}, ""}, Obj{{}, ObjPrefix};
  llvm::StringRef Unit;
  llvm::DenseMap<const llvm::DIFile *, llvm::StringRef> Files;
};

} // namespace klp

#endif
