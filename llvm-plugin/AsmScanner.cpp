//===- AsmScanner.cpp - functions and aliases that top-level asm defines --===//

#include "AsmScanner.h"
#include "klp/record_format.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/Statistic.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Debug.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>

using namespace llvm;

#define DEBUG_TYPE "klp-lto-asm"

ALWAYS_ENABLED_STATISTIC(NumAsmFunctionsFound,
                         "Functions found in top-level asm (each scan)");
ALWAYS_ENABLED_STATISTIC(NumAsmAliasesFound,
                         "Aliases (.set/.equ) found in top-level asm (each scan)");

namespace klp {

AsmSymbols scanAsmSymbols(StringRef Asm) {
  std::vector<std::string> Typed;
  std::vector<std::pair<std::string, std::string>> Sets;
  StringMap<bool> Labels;
  StringMap<uint32_t> Bind;
  int MacroDepth = 0;
  SmallVector<StringRef, 64> Lines;
  Asm.split(Lines, '\n');
  for (StringRef Line : Lines) {
    SmallVector<StringRef, 4> Stmts;
    Line.split(Stmts, ';');
    for (StringRef S : Stmts) {
      S = S.trim();
      if (S.starts_with(".macro") || S.starts_with(".rept") ||
          S.starts_with(".irp"))
        ++MacroDepth;
      else if (S.starts_with(".endm") || S.starts_with(".endr"))
        MacroDepth = std::max(0, MacroDepth - 1);
      if (MacroDepth || S.starts_with("#"))
        continue;
      if (S.consume_front(".type")) {
        auto [Name, Kind] = S.split(',');
        Name = Name.trim();
        Kind = Kind.trim();
        if ((Kind == "@function" || Kind == "%function" ||
             Kind == "STT_FUNC") && !Name.empty() && !Name.contains('\\'))
          Typed.push_back(Name.str());
        continue;
      }
      if (S.consume_front(".globl") || S.consume_front(".global")) {
        Bind[S.trim()] = KLP_BIND_GLOBAL;
        continue;
      }
      if (S.consume_front(".weak")) {
        Bind[S.trim()] = KLP_BIND_WEAK;
        continue;
      }
      if (S.consume_front(".set") || S.consume_front(".equ")) {
        if (S.empty() || (S.front() != ' ' && S.front() != '\t'))
          continue; // .setfoo, .equiv, ...
        auto [Name, Target] = S.split(',');
        Name = Name.trim();
        Target = Target.trim();
        if (!Name.empty() && !Target.empty() && !Name.contains(' ') &&
            !Target.contains(' ') && !Name.contains('\\') &&
            !Target.contains('\\'))
          Sets.emplace_back(Name.str(), Target.str());
        continue;
      }
      size_t Colon = S.find(':');
      if (Colon != StringRef::npos && Colon > 0) {
        StringRef L = S.take_front(Colon).trim();
        if (!L.contains(' ') && !L.contains('\t') && !L.contains('\\'))
          Labels[L] = true;
      }
    }
  }
  std::sort(Typed.begin(), Typed.end());
  Typed.erase(std::unique(Typed.begin(), Typed.end()), Typed.end());
  auto BindingOf = [&](StringRef N) {
    auto B = Bind.find(N);
    return B == Bind.end() ? uint32_t(KLP_BIND_LOCAL) : B->second;
  };
  AsmSymbols Out;
  for (auto &N : Typed)
    if (Labels.count(N)) {
      LLVM_DEBUG(dbgs() << "klp-lto: asm function " << N << "\n");
      Out.Functions.push_back({N, BindingOf(N)});
    }
  for (auto &[Name, Target] : Sets) {
    LLVM_DEBUG(dbgs() << "klp-lto: asm alias " << Name << " = " << Target
                      << "\n");
    Out.Aliases.push_back({Name, Target, BindingOf(Name)});
  }
  NumAsmFunctionsFound += Out.Functions.size();
  NumAsmAliasesFound += Out.Aliases.size();
  return Out;
}

static const char *bindingName(uint32_t B) {
  return B == KLP_BIND_GLOBAL ? "global" : B == KLP_BIND_WEAK ? "weak" : "local";
}

void printAsmSymbols(const AsmSymbols &S, raw_ostream &OS) {
  for (const AsmFunction &F : S.Functions)
    OS << "function " << F.Name << " bind=" << bindingName(F.Binding) << "\n";
  for (const AsmAlias &A : S.Aliases)
    OS << "alias " << A.Name << " = " << A.Target
       << " bind=" << bindingName(A.Binding) << "\n";
}

} // namespace klp
