// Hot/cold splitting, turned on in the ThinLTO backends, outlines the cold
// block of `work` into `work.cold.1`.  The outlined part is code of `work`:
// the record gives it the source of `work` and marks it as a renamed clone,
// so a change to `work` selects both parts.

// RUN: rm -rf %t && mkdir %t && cd %t
// RUN: %clang_klp -O2 -g -flto=thin -c %s -o a.o
// RUN: %lld_klp -r -mllvm=-hot-cold-split=true -mllvm=-hotcoldsplit-threshold=0 a.o -o out.o
// RUN: llvm-nm out.o | FileCheck %s --check-prefix=NM
// RUN: %klp-gen dump out.o | FileCheck %s
// Without splitting there is no clone (the test can tell the difference).
// RUN: %lld_klp -r a.o -o plain.o
// RUN: %klp-gen dump plain.o | FileCheck %s --check-prefix=PLAIN

// NM: t work.cold.1

// CHECK: func work src=work file={{.*}}hot-cold-split.c:[[L:[0-9]+]]-{{[0-9]+}} unit={{.*}} fp=[[FP:[0-9a-f]+]] bind=global at=.text.work+0x0
// CHECK: func work.cold.1 src=work file={{.*}}hot-cold-split.c:[[L]]-{{[0-9]+}} unit={{.*}} fp=[[FP]] bind=local flags=renamed,clone at=.text.unlikely.work.cold.1+0x0
// CHECK: summary blobs=1 funcs=2

// PLAIN-NOT: work.cold
// PLAIN: summary blobs=1 funcs=1

__attribute__((cold, noinline)) void report(const char *s, int v);
extern int sink;
int work(int *p, int n)
{
	int s = 0;
	for (int i = 0; i < n; i++) {
		if (p[i] < 0) {
			report("negative", p[i]);
			report("again", i);
			sink += p[i] * 3 + i;
			sink ^= n;
			report("done", sink);
		}
		s += p[i];
	}
	return s;
}
