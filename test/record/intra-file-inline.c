// A static helper inlined into its caller in the same file by the compile's
// own inliner (no LTO).  The helper leaves no symbol, but the caller's record
// says its body is in there.

// RUN: %clang_klp -O2 -g -c %s -o %t.o
// RUN: llvm-nm %t.o | FileCheck %s --check-prefix=NM
// RUN: %klp-gen dump %t.o | FileCheck %s

// NM-NOT: helper
// NM: T outer

// CHECK:      blob 0 unit={{.*}}intra-file-inline.c phase=compile
// CHECK:      func outer src=outer file={{.*}}intra-file-inline.c:[[@LINE+8]]-[[@LINE+10]]
// CHECK-NEXT:   inline helper file={{.*}}intra-file-inline.c:[[@LINE+2]]-[[@LINE+4]] unit={{.*}} fp={{[0-9a-f]+}} flags=prelink{{$}}

static int helper(int x)
{
	return x * x + 7;
}

int outer(int x)
{
	return helper(x) - helper(x + 1);
}
