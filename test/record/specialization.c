// Function specialization (IPSCCP) clones a static function per constant
// argument: `work.specialized.N` are clones of `work`; each keeps the
// source identity of `work`, and the caller depends on them.

// RUN: %clang_klp -O2 -g -mllvm -force-specialization -c %s -o %t.o
// RUN: llvm-nm %t.o | FileCheck %s --check-prefix=NM
// RUN: %klp-gen dump %t.o | FileCheck %s

// NM: t work.specialized.1
// NM: t work.specialized.2

// CHECK-DAG: func work.specialized.1 src=work file={{.*}}specialization.c:{{[0-9]+-[0-9]+}} {{.*}}bind=local flags=static,renamed,clone at=
// CHECK-DAG: func work.specialized.2 src=work file={{.*}}specialization.c:{{[0-9]+-[0-9]+}} {{.*}}bind=local flags=static,renamed,clone at=
// CHECK-DAG: func use src=use
// CHECK-DAG:   callee work file={{.*}}specialization.c

int g;

static __attribute__((noinline)) int work(int a, int unused)
{
	g += a;
	return 0;
}

int use(void)
{
	work(1, 2);
	work(3, 4);
	return g;
}
