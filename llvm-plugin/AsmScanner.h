//===- AsmScanner.h - functions and aliases that top-level asm defines ----===//
//
// The kernel defines functions in top-level (module) asm: `asm(".globl f;
// .type f,@function; f: ...")`, and aliases with `.set`.  They have no IR
// function, yet they are code that a patch can change, so the record lists
// them.  This is a line scanner, not an assembler: it knows the directives
// the kernel uses for that and skips macro bodies, whose labels are
// templates.
//
//===----------------------------------------------------------------------===//
#ifndef KLP_LTO_ASMSCANNER_H
#define KLP_LTO_ASMSCANNER_H

#include "llvm/ADT/StringRef.h"
#include <cstdint>
#include <string>
#include <vector>

namespace llvm {
class raw_ostream;
}

namespace klp {

struct AsmFunction {
  std::string Name;
  uint32_t Binding; // KLP_BIND_*
};

// `.set NAME, TARGET` (or `.equ`) in top-level asm: NAME is another name of
// TARGET's code, e.g. the kernel's cond_syscall() weak aliases of
// sys_ni_syscall.  Only those whose TARGET is a function get an entry.
struct AsmAlias {
  std::string Name;
  std::string Target;
  uint32_t Binding;
};

struct AsmSymbols {
  std::vector<AsmFunction> Functions; // sorted by name, no duplicates
  std::vector<AsmAlias> Aliases;      // in the order the asm has them
};

/// Functions that \p Asm defines: `.type NAME,@function` and a label
/// `NAME:` outside any macro body; `.globl`/`.weak` give the binding.  Also
/// the `.set`/`.equ` aliases it defines.
AsmSymbols scanAsmSymbols(llvm::StringRef Asm);

/// One line per function and alias, for the scanner's test
/// (`opt -passes='print<klp-asm-symbols>'`).
void printAsmSymbols(const AsmSymbols &S, llvm::raw_ostream &OS);

} // namespace klp

#endif
