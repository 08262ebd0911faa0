//===- KnownPasses.cpp - what each pipeline pass means for the record ----===//

#include "KnownPasses.h"

#include "llvm/ADT/StringMap.h"

using namespace llvm;

namespace klp {

PassKind classifyPass(StringRef PassID) {
  // Built once (thread-safe: a function-local static), read by every
  // backend thread; the pass callbacks ask for every pass that runs.
  static const StringMap<PassKind> Known = [] {
    StringMap<PassKind> M;
#define KLP_PASS(NAME, KIND, WHY) M[NAME] = PassKind::KIND;
#include "KnownPasses.def"
    return M;
  }();
  auto It = Known.find(PassID);
  return It == Known.end() ? PassKind::Unknown : It->second;
}

} // namespace klp
