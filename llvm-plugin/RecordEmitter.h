//===- RecordEmitter.h - write the record into the object being compiled -===//
//
// Runs last in the optimizer of a backend (or of an ordinary compile): walks
// the functions that will be emitted, and appends the blob to the module as
// top-level assembly in a non-allocated section `.klp.lto`, so that the
// assembler writes it and an R_X86_64_64 relocation against each function's
// symbol.  The relocation is what later tells apart two same-named local
// functions that `ld -r` put into one section.
//
//===----------------------------------------------------------------------===//
#ifndef KLP_LTO_RECORDEMITTER_H
#define KLP_LTO_RECORDEMITTER_H

#include "llvm/IR/PassManager.h"

namespace klp {

/// Write (or rewrite) the module's record as top-level asm.
void emitRecord(llvm::Module &M, uint32_t Phase);

/// If the record was written already and a later pass (hot/cold splitting,
/// the IR outliner) changed the set of functions, write it again.
void reemitRecordIfWritten(llvm::Module &M);

class RecordEmitterPass : public llvm::PassInfoMixin<RecordEmitterPass> {
public:
  explicit RecordEmitterPass(uint32_t Phase) : Phase(Phase) {}
  llvm::PreservedAnalyses run(llvm::Module &M, llvm::ModuleAnalysisManager &);
  static bool isRequired() { return true; }

private:
  uint32_t Phase;
};

} // namespace klp

#endif
