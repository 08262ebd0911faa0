/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One small chained hash table with intrusive nodes, used for every lookup in
 * klp-gen.  A node stores the full 64-bit hash of its key, so a lookup walks
 * only the nodes with exactly that hash and the table can grow without
 * looking at the keys again.  The caller compares real keys: a hash is never
 * an identity.
 */
#ifndef KLP_HASH_H
#define KLP_HASH_H

#include <stddef.h>
#include <stdint.h>

#define klp_container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

struct klp_hnode {
	struct klp_hnode *next;
	uint64_t hash;
};

struct klp_htab {
	struct klp_hnode **buckets;
	size_t nbuckets;	/* a power of two; 0 in a zeroed table */
	size_t count;
};

/* Sizes the table for about @expect entries; 0 lets it grow from small. */
int klp_htab_init(struct klp_htab *t, size_t expect);
void klp_htab_free(struct klp_htab *t);
/*
 * Adds @n under @hash; the table grows as needed.  -1 only when out of memory.
 * Nodes with equal hashes are found newest first: add in reverse to get them
 * back in order.
 */
int klp_htab_add(struct klp_htab *t, struct klp_hnode *n, uint64_t hash);
/* The first node with @hash, then the next one with the same hash. */
struct klp_hnode *klp_htab_first(const struct klp_htab *t, uint64_t hash);
struct klp_hnode *klp_htab_next(const struct klp_hnode *n);
/*
 * A hint that klp_htab_first(@t, @hash) comes soon: starts loading its
 * bucket, so that a loop over many keys can hide the cache misses of a
 * table of millions of entries (prefetch a batch, then look them up).
 */
void klp_htab_prefetch(const struct klp_htab *t, uint64_t hash);
/* The next step: starts loading the first node of that bucket. */
void klp_htab_prefetch_node(const struct klp_htab *t, uint64_t hash);

uint64_t klp_hash_bytes(const void *p, size_t len);
uint64_t klp_hash_str(const char *s);
uint64_t klp_hash_u64(uint64_t x);
uint64_t klp_hash_pair(uint64_t a, uint64_t b);

/*
 * Walks the nodes stored under @hash as pointers to their containing type:
 *	klp_htab_for_each(pos, &elf->sym_by_name, h, struct klp_symbol, name_node)
 */
#define klp_htab_for_each(pos, tab, hash, type, member)			\
	for (struct klp_hnode *__n = klp_htab_first((tab), (hash));		\
	     __n && ((pos) = klp_container_of(__n, type, member), 1);		\
	     __n = klp_htab_next(__n))

#endif /* KLP_HASH_H */
