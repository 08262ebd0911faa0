// Top-level asm `.set` aliases, as the kernel's cond_syscall() makes them:
// `.weak compat_sys_foo; .set compat_sys_foo, sys_ni_syscall`.  The alias is
// a second name of sys_ni_syscall's code: it gets an alias entry with that
// function's source, so coverage holds and a change to sys_ni_syscall is
// seen through every name.  `.set` of a non-function is not an entry.

// RUN: rm -rf %t && mkdir %t && cd %t
// RUN: %clang_klp -O2 -flto=thin -c %s -o a.o
// RUN: %lld_klp -r a.o -o out.o
// RUN: %klp-gen dump out.o > dump.txt
// RUN: FileCheck %s < dump.txt
// RUN: FileCheck %s --check-prefix=NOSET < dump.txt
// RUN: %klp-gen coverage out.o | FileCheck %s --check-prefix=COV

// CHECK-DAG: func compat_sys_foo src=sys_ni_syscall {{.*}}bind=weak flags=renamed,alias at=.text.sys_ni_syscall+0x0
// CHECK-DAG: func compat_sys_bar src=sys_ni_syscall {{.*}}bind=weak flags=renamed,alias at=.text.sys_ni_syscall+0x0
// CHECK-DAG: func sys_ni_syscall src=sys_ni_syscall {{.*}}bind=global at=.text.sys_ni_syscall+0x0
// Not anywhere in the dump (a CHECK-NOT after CHECK-DAG only looks past
// the last DAG match).
// NOSET-NOT: SOME_CONSTANT
// NOSET: summary blobs=1 funcs=3
// NOSET-NOT: SOME_CONSTANT
// CHECK: summary blobs=1 funcs=3
// COV: coverage: 3 function symbols, 0 without a record

long sys_ni_syscall(void) { return -38; }

#define cond_syscall(x) asm(".weak " #x "\n\t.set  " #x ",sys_ni_syscall")
cond_syscall(compat_sys_foo);
cond_syscall(compat_sys_bar);
asm(".set SOME_CONSTANT, 42");
