// Dead-argument elimination replaces `scale` by a new function without the
// unused argument (same name).  The new function keeps the source identity
// (it is the same source function, not a clone), and the caller, whose calls
// were rewritten, depends on it.

// RUN: %clang_klp -O2 -g -c %s -o %t.o
// RUN: %klp-gen dump %t.o | FileCheck %s

// CHECK-DAG: func scale src=scale file={{.*}}dead-arg-elim.c:{{[0-9]+-[0-9]+}} {{.*}}bind=local flags=static at=
// CHECK-DAG: func driver src=driver
// CHECK-DAG:   callee scale file={{.*}}dead-arg-elim.c

int out;

static __attribute__((noinline)) void scale(int v, int ignored)
{
	out = v * 3;
}

void driver(int a)
{
	scale(a, 1);
	scale(a + 1, 2);
}
