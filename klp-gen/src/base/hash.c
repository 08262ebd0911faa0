// SPDX-License-Identifier: GPL-2.0
/*
 * Chained hash table with intrusive nodes (see klp/hash.h).  Buckets double
 * when the load factor passes 1, so adding n entries costs O(n) in total.
 */
#include <stdlib.h>
#include <string.h>

#include "klp/hash.h"

#define KLP_HTAB_MIN_BUCKETS	16

static size_t round_up_pow2(size_t n)
{
	size_t p = KLP_HTAB_MIN_BUCKETS;

	while (p < n && p <= SIZE_MAX / 4)
		p <<= 1;
	return p;
}

int klp_htab_init(struct klp_htab *t, size_t expect)
{
	t->count = 0;
	t->nbuckets = round_up_pow2(expect);
	t->buckets = calloc(t->nbuckets, sizeof(*t->buckets));
	if (!t->buckets) {
		t->nbuckets = 0;
		return -1;
	}
	return 0;
}

void klp_htab_free(struct klp_htab *t)
{
	free(t->buckets);
	t->buckets = NULL;
	t->nbuckets = 0;
	t->count = 0;
}

static size_t bucket_of(size_t nbuckets, uint64_t hash)
{
	return (size_t)(hash ^ (hash >> 32)) & (nbuckets - 1);
}

static int grow(struct klp_htab *t)
{
	size_t nb = t->nbuckets ? t->nbuckets * 2 : KLP_HTAB_MIN_BUCKETS;
	struct klp_hnode **b;

	if (nb < t->nbuckets || nb > SIZE_MAX / sizeof(*b))
		return 0;	/* cannot grow: keep working with longer chains */
	b = calloc(nb, sizeof(*b));
	if (!b)
		return -1;
	/*
	 * Chains hold the newest node first.  Reversing each old chain before
	 * pushing its nodes onto the new ones keeps that order among nodes
	 * that land in the same new bucket.
	 */
	for (size_t i = 0; i < t->nbuckets; i++) {
		struct klp_hnode *n = t->buckets[i], *rev = NULL;

		while (n) {
			struct klp_hnode *next = n->next;

			n->next = rev;
			rev = n;
			n = next;
		}
		while (rev) {
			struct klp_hnode *next = rev->next;
			size_t j = bucket_of(nb, rev->hash);

			rev->next = b[j];
			b[j] = rev;
			rev = next;
		}
	}
	free(t->buckets);
	t->buckets = b;
	t->nbuckets = nb;
	return 0;
}

int klp_htab_add(struct klp_htab *t, struct klp_hnode *n, uint64_t hash)
{
	struct klp_hnode **pp;

	if (t->count >= t->nbuckets && grow(t))
		return -1;
	if (!t->nbuckets)
		return -1;
	/*
	 * Push at the chain's head: O(1) even for thousands of entries with
	 * one key (the kernel has thousands of local symbols named "__key.0").
	 * Nodes with equal hashes therefore come back newest first.
	 */
	pp = &t->buckets[bucket_of(t->nbuckets, hash)];
	n->hash = hash;
	n->next = *pp;
	*pp = n;
	t->count++;
	return 0;
}

struct klp_hnode *klp_htab_first(const struct klp_htab *t, uint64_t hash)
{
	struct klp_hnode *n;

	if (!t->nbuckets)
		return NULL;
	for (n = t->buckets[bucket_of(t->nbuckets, hash)]; n; n = n->next)
		if (n->hash == hash)
			return n;
	return NULL;
}

void klp_htab_prefetch(const struct klp_htab *t, uint64_t hash)
{
	if (t->nbuckets)
		__builtin_prefetch(&t->buckets[bucket_of(t->nbuckets, hash)]);
}

void klp_htab_prefetch_node(const struct klp_htab *t, uint64_t hash)
{
	if (t->nbuckets)
		__builtin_prefetch(t->buckets[bucket_of(t->nbuckets, hash)]);
}

struct klp_hnode *klp_htab_next(const struct klp_hnode *n)
{
	uint64_t hash = n->hash;

	for (n = n->next; n; n = n->next)
		if (n->hash == hash)
			return (struct klp_hnode *)n;
	return NULL;
}

/* FNV-1a, then a final mix so that the low bits index buckets well. */
/*
 * Eight bytes per step: the keys are mostly file paths and symbol names of
 * 20 to 60 bytes, hashed once per src entry when two records are correlated
 * (600k strings for the kernel), where a byte-at-a-time loop took 40 % of
 * `klp-gen plan`.  Each word is mixed by a multiply and a shift; the final
 * klp_hash_u64() spreads the result over all bits.
 */
uint64_t klp_hash_bytes(const void *p, size_t len)
{
	const unsigned char *s = p;
	uint64_t h = 0xcbf29ce484222325ull ^ len, w;

	for (; len >= 8; s += 8, len -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0x9e3779b97f4a7c15ull;
		h ^= h >> 29;
	}
	w = 0;
	memcpy(&w, s, len);
	h = (h ^ w) * 0x9e3779b97f4a7c15ull;
	return klp_hash_u64(h);
}

uint64_t klp_hash_str(const char *s)
{
	return klp_hash_bytes(s, strlen(s));
}

/* The splitmix64 finalizer. */
uint64_t klp_hash_u64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	x ^= x >> 31;
	return x;
}

uint64_t klp_hash_pair(uint64_t a, uint64_t b)
{
	return klp_hash_u64(klp_hash_u64(a) + 0x9e3779b97f4a7c15ull * b);
}
