// SPDX-License-Identifier: GPL-2.0
/*
 * kCFI (CONFIG_CFI_CLANG) in `klp-gen extract`: the type-hash preamble of a
 * new function (docs/klp-gen.md, "kCFI and FineIBT").
 *
 * Under -fsanitize=kcfi every function whose address may be taken is
 * preceded by `__cfi_<name>`: `mov $hash, %eax` and the patchable-entry
 * NOPs, ending at the function's entry.  An indirect call checks the hash
 * at a fixed offset before its target (`add -15(%r11), %r10d; je; ud2`),
 * so the bytes before the entry are part of what makes the function
 * callable.  A new function copied into patch.o whose address the patched
 * code takes gets its preamble copied in front of it, under the same
 * `__cfi_` name: objtool then lists it in the module's .cfi_sites, so that
 * module_finalize() rehashes it with the boot-time seed (cfi=auto, FineIBT
 * built in) or rewrites it into a FineIBT preamble, as for vmlinux.
 *
 * A replaced function needs none: the running kernel's callers check the
 * original function's preamble, and ftrace then moves them to the new code
 * (klp_func.new_func is never called through a CFI check).
 */
#include <inttypes.h>
#include <string.h>

#include "extract_priv.h"
#include "klp/error.h"
#include "klp/kcfi.h"

int ex_cfi_preamble(struct ex *ex, const struct klp_symbol *fn,
		    const char *where, struct ex_cfi_pre *pre)
{
	struct klp_symbol *found;
	struct klp_reloc *v;
	size_t n;

	memset(pre, 0, sizeof(*pre));
	if (klp_kcfi_preamble_of(ex->pe, fn, &found))
		return -1;
	if (!found)
		return 0;	/* address never taken: no hash to check */
	if (klp_elf_relocs_in(ex->pe, fn->sec, found->value, fn->value, &v, &n))
		return -1;
	if (n)
		return klp_err("%s: the kCFI preamble %s has a relocation at +0x%" PRIx64 "; a preamble is a hash and NOPs, refusing",
			       where, found->name,
			       v[0].offset - found->value);
	if (ex_sec_bytes(ex, fn->sec, found->value, fn->value - found->value,
			 &pre->bytes))
		return -1;
	if (!pre->bytes)
		return klp_err("%s: the kCFI preamble %s has no bytes (section %s)",
			       where, found->name, fn->sec->name);
	pre->sym = found;
	pre->len = fn->value - found->value;
	return 0;
}

/*
 * clang gives a local function a preamble only when its address is taken
 * (finalizeKCFITypes()); ThinLTO internalizes after that.  A patch that
 * takes the address of a running kernel's function which had none would
 * make every indirect call to it fail its kCFI check (the check reads the
 * bytes before the function, which are then some other code): refused.
 */
int ex_cfi_check_taken(struct ex *ex, const char *where,
		       const struct klp_symbol *ent,
		       const struct klp_symbol *peer)
{
	struct klp_symbol *pc, *oc;

	if (ent->type != STT_FUNC || klp_kcfi_preamble_of(ex->pe, ent, &pc))
		return ent->type != STT_FUNC ? 0 : -1;
	if (!pc)
		return 0;	/* no kCFI, or not address-taken in PATCHED */
	if (klp_kcfi_preamble_of(ex->oe, peer, &oc))
		return -1;
	if (oc)
		return 0;
	return klp_err("%s: takes the address of %s, but the running kernel's %s has no kCFI preamble (%s in %s, none in %s): an indirect call to it would fail its CFI check; refusing",
		       where, ex_symname(ent), peer->name, pc->name,
		       ex->pe->name, ex->oe->name);
}

/* The bytes of a preamble [@pre, @fn) of @e, or NULL. */
static const unsigned char *pre_bytes(const struct klp_elf *e,
				      const struct klp_symbol *pre,
				      const struct klp_symbol *fn)
{
	const unsigned char *d;
	uint64_t n, off = pre->value - pre->sec->sh.sh_addr;

	if (klp_elf_section_data(e, pre->sec, &d, &n) || !d || off > n ||
	    fn->value - pre->value > n - off)
		return NULL;
	return d + off;
}

/*
 * A replaced function whose type hash changes (its prototype did): the
 * running kernel's pointers to it reach the old function, with the old
 * hash in front, while the patched callers copied into the module check
 * the new one.  Nothing can make both agree: refused.
 */
int ex_cfi_check_replaced(struct ex *ex, const char *where,
			  const struct klp_symbol *old,
			  const struct klp_symbol *s)
{
	struct klp_symbol *op, *pp;
	const unsigned char *a, *b;

	if (klp_kcfi_preamble_of(ex->oe, old, &op) ||
	    klp_kcfi_preamble_of(ex->pe, s, &pp))
		return -1;
	if (!op || !pp)
		return 0;	/* address taken on one side at most */
	a = pre_bytes(ex->oe, op, old);
	b = pre_bytes(ex->pe, pp, s);
	if (!a || !b)
		return klp_err("%s: the kCFI preambles of %s cannot be read",
			       where, old->name);
	if (old->value - op->value == s->value - pp->value &&
	    !memcmp(a, b, old->value - op->value))
		return 0;
	return klp_err("%s: the kCFI type hash of %s changes (%s differs between %s and %s): the running kernel's pointers to it keep the old hash while the patched callers check the new one; refusing",
		       where, old->name, pp->name, ex->oe->name, ex->pe->name);
}
