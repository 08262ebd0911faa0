//===- SourcePaths.cpp - paths as the record names them ------------------===//
//
// What the plugin sees of a path, and what it relies on:
//  - the module's source_filename: the main file as the command line named
//    it (absolute, or relative to the compile's current directory), never
//    rewritten by -f*-prefix-map: the unit is taken from it;
//  - a DIFile's filename and directory: after -fdebug-prefix-map (and the
//    debug half of -ffile-prefix-map).  Where the directory is empty or the
//    filename absolute, the filename is the whole path; else the path is
//    directory/filename;
//  - the compile unit's directory: the compile directory after the map (or
//    -fdebug-compilation-dir);
//  - __FILE__ strings are code, not paths: the fingerprint hashes them like
//    any other string (-fmacro-prefix-map, which the kernel uses, makes them
//    tree-independent).
// A root is therefore known by several spellings: as given, with symlinks
// resolved, and as the debug info shows it after the map.  The map itself is
// not in the IR; where the source root went is learned from the main file,
// whose real path (source_filename) and mapped path (the compile unit's file)
// are both known.
//
//===----------------------------------------------------------------------===//

#include "SourcePaths.h"
#include "Options.h"

#include "llvm/IR/DebugInfoMetadata.h"
#include "llvm/IR/Metadata.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/Debug.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

using namespace llvm;

#define DEBUG_TYPE "klp-lto-paths"

namespace klp {

static constexpr const char *PathsMD = "klp.paths";

// Lexically clean: no "." or ".." components, no trailing '/'.  "." is "".
static std::string normalize(StringRef P) {
  SmallString<256> S(P);
  sys::path::remove_dots(S, /*remove_dot_dot=*/true);
  while (S.size() > 1 && S.back() == '/')
    S.pop_back();
  return std::string(S);
}

static std::string realPath(StringRef P) {
  SmallString<256> R;
  if (P.empty() || sys::fs::real_path(P, R))
    return "";
  return normalize(R);
}

// Is Path under Root?  A relative root ("" for a tree the prefix map made
// relative) holds relative paths.
static bool under(StringRef Path, StringRef Root, StringRef &Rel) {
  if (Root.empty()) {
    if (Path.empty() || sys::path::is_absolute(Path))
      return false;
    Rel = Path;
    return true;
  }
  if (!Path.starts_with(Root) || Path.size() <= Root.size())
    return false;
  if (Root.back() != '/' && Path[Root.size()] != '/')
    return false;
  Rel = Path.drop_front(Root.size()).ltrim('/');
  return !Rel.empty();
}

void SourcePaths::Root::add(StringRef S) {
  if (llvm::is_contained(Spellings, S))
    return;
  Spellings.push_back(S.str());
}

SourcePaths::SourcePaths(Module &M) : Ctx(M.getContext()) {
  if (load(M))
    return;
  compute(M);
  store(M);
}

void SourcePaths::compute(Module &M) {
  SmallString<256> Cwd;
  if (sys::fs::current_path(Cwd))
    Cwd.clear();
  const DICompileUnit *CU = nullptr;
  if (!M.debug_compile_units().empty())
    CU = *M.debug_compile_units().begin();

  // The object root: the compile directory.
  if (!Cwd.empty())
    Obj.add(normalize(Cwd));
  if (std::string R = realPath(Cwd); !R.empty())
    Obj.add(R);
  if (CU)
    Obj.add(normalize(CU->getDirectory()));

  SmallString<256> U(M.getSourceFileName());
  sys::path::make_absolute(Cwd, U);
  std::string Main = normalize(U);

  StringRef SourceRoot = sourceRootOption();
  if (SourceRoot.empty()) {
    Src.Spellings = Obj.Spellings;
  } else {
    SmallString<256> Given(SourceRoot);
    sys::path::make_absolute(Cwd, Given);
    Src.add(normalize(Given));
    std::string RealRoot = realPath(Given);
    if (!RealRoot.empty())
      Src.add(RealRoot);
    // Where the map put the root: the main file's mapped path ends in its
    // path relative to the root, and what precedes that is the root.
    StringRef Rel;
    std::string RealMain = realPath(Main);
    bool Found = under(Main, Src.Spellings[0], Rel) ||
                 (!RealRoot.empty() && under(RealMain, RealRoot, Rel));
    if (Found && CU) {
      StringRef CF = CU->getFilename();
      std::string Mapped =
          sys::path::is_absolute(CF) ||
                  sys::path::is_absolute(M.getSourceFileName())
              ? normalize(CF)
              : normalize((CU->getDirectory() + "/" + CF).str());
      if (Mapped == Rel)
        Src.add("");
      else if (StringRef(Mapped).ends_with(("/" + Rel).str()))
        Src.add(StringRef(Mapped).drop_back(Rel.size() + 1));
    }
  }
  Unit = MDString::get(Ctx, identify(Main))->getString();
  LLVM_DEBUG({
    dbgs() << "klp-lto: unit " << Unit << "; source root";
    for (const std::string &S : Src.Spellings)
      dbgs() << " '" << S << "'";
    dbgs() << "; object root";
    for (const std::string &S : Obj.Spellings)
      dbgs() << " '" << S << "'";
    dbgs() << "\n";
  });
}

// !klp.paths = !{!{!"source_filename", !"unit", !{src...}, !{obj...}}, ...}
// one tuple per module that ThinLTO brought in (imports append theirs).
void SourcePaths::store(Module &M) const {
  auto Strings = [&](const Root &R) {
    SmallVector<Metadata *, 4> Ops;
    for (const std::string &S : R.Spellings)
      Ops.push_back(MDString::get(Ctx, S));
    return MDTuple::get(Ctx, Ops);
  };
  Metadata *Ops[] = {MDString::get(Ctx, M.getSourceFileName()),
                     MDString::get(Ctx, Unit), Strings(Src), Strings(Obj)};
  M.getOrInsertNamedMetadata(PathsMD)->addOperand(MDTuple::get(Ctx, Ops));
}

bool SourcePaths::load(Module &M) {
  NamedMDNode *NMD = M.getNamedMetadata(PathsMD);
  if (!NMD)
    return false;
  for (const MDNode *N : NMD->operands()) {
    if (N->getNumOperands() != 4)
      continue;
    auto *Name = dyn_cast<MDString>(N->getOperand(0));
    auto *U = dyn_cast<MDString>(N->getOperand(1));
    auto *S = dyn_cast<MDNode>(N->getOperand(2));
    auto *O = dyn_cast<MDNode>(N->getOperand(3));
    if (!Name || !U || !S || !O || Name->getString() != M.getSourceFileName())
      continue;
    Unit = U->getString();
    for (auto [List, R] : {std::pair(S, &Src), std::pair(O, &Obj)})
      for (const MDOperand &Op : List->operands())
        if (auto *Str = dyn_cast<MDString>(Op))
          R->add(Str->getString());
    return true;
  }
  return false;
}

// The root that holds Path by its longest spelling (so an O= dir inside the
// source tree is the object root); on a tie the source root.  If the maps
// made both roots relative, a relative path is in the root that has it on
// disk (the first spelling is the root as the compile found it).
bool SourcePaths::match(StringRef Path, std::string &Out) const {
  bool BothRelative =
      is_contained(Src.Spellings, "") && is_contained(Obj.Spellings, "");
  int BestLen = -1;
  for (const Root *R : {&Src, &Obj})
    for (const std::string &S : R->Spellings) {
      StringRef Rel;
      if (int(S.size()) <= BestLen || !under(Path, S, Rel))
        continue;
      if (S.empty() && BothRelative &&
          !sys::fs::exists(R->Spellings[0] + "/" + Rel))
        continue;
      BestLen = S.size();
      Out = (R->Prefix + Rel).str();
    }
  return BestLen >= 0;
}

std::string SourcePaths::identify(StringRef Path) const {
  std::string Out;
  if (match(Path, Out))
    return Out;
  // Through a symlink that none of the roots' spellings has.
  if (sys::path::is_absolute(Path))
    if (std::string R = realPath(Path); !R.empty() && R != Path &&
                                        match(R, Out))
      return Out;
  return Path.str(); // outside both roots (system headers): as it is
}

StringRef SourcePaths::file(const DIFile *F) {
  if (!F)
    return "";
  auto [It, New] = Files.try_emplace(F);
  if (New) {
    StringRef Name = F->getFilename(), Dir = F->getDirectory();
    std::string P = sys::path::is_absolute(Name) || Dir.empty()
                        ? normalize(Name)
                        : normalize((Dir + "/" + Name).str());
    It->second = MDString::get(Ctx, identify(P))->getString();
  }
  return It->second;
}

} // namespace klp
