// IPSCCP sees that `answer` always returns 42 and folds that into the caller:
// the caller's code no longer calls it, yet depends on its body.  The record
// keeps the dependency as a CALLEE edge (an over-approximation klp-gen
// checks against machine code).

// RUN: %clang_klp -O2 -g -c %s -o %t.o
// RUN: llvm-objdump -d --no-show-raw-insn %t.o | FileCheck %s --check-prefix=ASM
// RUN: %klp-gen dump %t.o | FileCheck %s

// ASM-LABEL: <caller>:
// ASM-NOT:   call
// ASM:       $0x2b
// ASM:       ret

// CHECK: func caller src=caller
// CHECK:   callee answer file={{.*}}ipsccp-return.c:{{[0-9]+-[0-9]+}} {{.*}}flags=prelink,{{.*}}overapprox

int counter;

static __attribute__((noinline)) int answer(void)
{
	return 42;
}

int caller(void)
{
	return answer() + 1;
}
