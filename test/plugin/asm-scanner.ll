; The top-level asm scanner (llvm-plugin/AsmScanner.cpp) on its own: which
; functions and aliases a module's top-level asm defines, and their binding.
; `print<klp-asm-symbols>` prints what the record would list for them
; (functions sorted by name, aliases in asm order).

; RUN: opt -load-pass-plugin=%plugin -passes='print<klp-asm-symbols>' -disable-output %s | FileCheck %s --implicit-check-not=function --implicit-check-not=alias

; CHECK:      function alpha bind=global
; CHECK-NEXT: function beta bind=weak
; CHECK-NEXT: function delta bind=local
; CHECK-NEXT: function epsilon bind=global
; CHECK-NEXT: function gamma bind=local
; CHECK-NEXT: function zeta bind=global
; CHECK-NEXT: alias sys_foo = sys_ni_syscall bind=weak
; CHECK-NEXT: alias other = alpha bind=local

; A typed function with its label, in separate lines.
module asm ".globl alpha"
module asm ".type alpha, @function"
module asm "alpha:"
module asm "  ret"
; .weak gives weak binding; %function spelling.
module asm ".weak beta; .type beta,%function; beta: ret"
; No .globl/.weak: local.  STT_FUNC spelling.
module asm ".type gamma, STT_FUNC"
module asm "gamma: nop"
; Typed twice, listed once.
module asm ".type delta,@function"
module asm ".type delta,@function"
module asm "delta:"
; .global spelling; label with code after it.
module asm ".global epsilon"
module asm ".type epsilon,@function"
module asm "epsilon: xorl %eax, %eax; ret"
; Typed but never defined here: not a function of this unit.
module asm ".type undefined_fn,@function"
; Labelled but not typed as a function: a data label.
module asm "table: .quad 0"
module asm ".type table2,@object"
module asm "table2: .quad 1"
; Macro bodies are templates: nothing in them counts.
module asm ".macro DEF name"
module asm ".globl \5Cname"
module asm ".type \5Cname,@function"
module asm "\5Cname: ret"
module asm ".type inmacro,@function"
module asm "inmacro: ret"
module asm ".endm"
module asm ".rept 2"
module asm ".type inrept,@function"
module asm "inrept: ret"
module asm ".endr"
module asm ".irp r, a, b"
module asm ".type inirp,@function"
module asm "inirp: ret"
module asm ".endr"
; A comment line is not a directive.
module asm "# .type commented,@function"
module asm "commented: ret"
; After the macros, scanning goes on.
module asm ".globl zeta; .type zeta,@function"
module asm "zeta: ret"
; .set/.equ aliases (binding from .weak/.globl); .setfoo and .equiv are not.
module asm ".weak sys_foo"
module asm ".set sys_foo, sys_ni_syscall"
module asm ".equ other, alpha"
module asm ".setfoo x, y"
module asm ".equiv z, alpha"
module asm ".set \5Cbad, alpha"
