/*
 * WARN_ON as the x86 kernel does it: a ud2 in the code and, in the data
 * section __bug_table, a bug_entry { the ud2's address, the file name, the
 * line, the flags } (CONFIG_DEBUG_BUGVERBOSE).  The line is an operand of
 * the asm, so it is in the function's IR (its fingerprint) but not in its
 * code.  FLAGS: 1 for a WARN; another value stands for WARN_ON_ONCE.
 */
#define WARN_ON_FLAGS(cond, flags) ({					\
	int __c = !!(cond);						\
	if (__c)							\
		asm volatile("1: ud2\n"					\
			     ".pushsection __bug_table,\"aw\"\n"	\
			     "2: .long 1b - .\n"			\
			     ".long %c0 - .\n"				\
			     ".word %c1\n"				\
			     ".word %c2\n"				\
			     ".org 2b + %c3\n"				\
			     ".popsection"				\
			     : : "i" (__FILE__), "i" (__LINE__),	\
				 "i" (flags), "i" (12));		\
	__c;								\
})
#define WARN_ON(cond) WARN_ON_FLAGS(cond, 1)
