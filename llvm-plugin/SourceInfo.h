//===- SourceInfo.h - a function's source identity as metadata -----------===//
//
// Every function the compile sees gets a `!klp.src` node at the start of the
// pipeline: its source name, file, unit, line range, fingerprint and flags.
// The node is function metadata, so it travels in ThinLTO bitcode, is copied
// with every import and every clone, and is what a record entry points at.
//
//===----------------------------------------------------------------------===//
#ifndef KLP_LTO_SOURCEINFO_H
#define KLP_LTO_SOURCEINFO_H

#include "llvm/ADT/StringRef.h"
#include <cstdint>

namespace llvm {
class Function;
class GlobalObject;
class GlobalVariable;
class LLVMContext;
class MDNode;
class Module;
} // namespace llvm

namespace klp {

class SourcePaths;
struct FingerprintCache;

inline constexpr const char *SrcMDKind = "klp.src";
/// Present on a function that an optimization made as a copy of, or a piece
/// cut out of, another one (its `!klp.src` is the original's).
inline constexpr const char *CloneMDKind = "klp.clone";

struct SrcInfo {
  llvm::StringRef Name, File, Unit, Section;
  uint32_t LineBegin = 0, LineEnd = 0, Flags = 0;
  uint64_t Fingerprint = 0;
};

/// Build (or find: the node is uniqued) the metadata node for \p Info.
llvm::MDNode *makeSrcNode(llvm::LLVMContext &Ctx, const SrcInfo &Info);

/// Decode a node built by makeSrcNode; false if it is not one.
bool readSrcNode(const llvm::MDNode *N, SrcInfo &Out);

/// A declaration-only source function: all we know is its symbol name.
llvm::MDNode *makeExternSrcNode(llvm::LLVMContext &Ctx, llvm::StringRef Name);

/// Compute the source identity of \p F from its unoptimized IR; \p Paths
/// (of F's module) names its file and unit.
llvm::MDNode *computeSrcNode(llvm::Function &F, SourcePaths &Paths,
                             FingerprintCache &FPCache);

/// Compute the source identity of a global variable (a data record entry).
llvm::MDNode *computeDataSrcNode(llvm::GlobalVariable &GV, SourcePaths &Paths,
                                 FingerprintCache &FPCache);

/// The function's or variable's `!klp.src`, or null.
llvm::MDNode *getSrcNode(const llvm::GlobalObject &GO);
void setSrcNode(llvm::GlobalObject &GO, llvm::MDNode *N);

/// If \p Name is a ThinLTO-promoted local's (NAME.llvm.<digits>), strip
/// the suffix and return true.
bool stripPromotedSuffix(llvm::StringRef &Name);

/// The src node for a callee: its `!klp.src` if it has one, else an extern
/// node by name (a declaration, or a body compiled without the plugin).
llvm::MDNode *srcNodeOrExtern(const llvm::Function &F);

} // namespace klp

#endif
