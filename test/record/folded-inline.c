// An inlined callee whose whole body folds away to a constant leaves no
// instruction, no debug scope and no call behind.  Its source still went into
// the caller's code, so the record must still name it.

// RUN: %clang_klp -O2 -g -c %s -o %t.o
// RUN: llvm-objdump -d %t.o | FileCheck %s --check-prefix=ASM
// RUN: llvm-dwarfdump --debug-info %t.o | FileCheck %s --check-prefix=DWARF
// RUN: %klp-gen dump %t.o | FileCheck %s

// ASM: <caller>:
// ASM-NOT: call
// ASM: ret
// DWARF-NOT: DW_TAG_inlined_subroutine

// CHECK: func caller src=caller
// CHECK:   inline threshold file={{.*}}folded-inline.c:{{[0-9]+}}-{{[0-9]+}} {{.*}}flags=prelink{{$}}

static int threshold(int x)
{
	if (x > 100)
		return 1;
	return 0;
}

int caller(void)
{
	return threshold(3) + 41;
}
