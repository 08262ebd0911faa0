// An `__always_inline` function (as the kernel defines it) is inlined by the
// mandatory inliner; the edge says so.

// RUN: %clang_klp -O2 -g -c %s -o %t.o
// RUN: %klp-gen dump %t.o | FileCheck %s

// CHECK: func user src=user
// CHECK:   inline forced file={{.*}}always-inline.c:[[@LINE+4]]-[[@LINE+6]] {{.*}}flags=prelink,mandatory{{$}}

#define __always_inline inline __attribute__((__always_inline__))

static __always_inline int forced(int x)
{
	return x << 3;
}

int user(int x)
{
	return forced(x) + 1;
}
