// SPDX-License-Identifier: GPL-2.0
/*
 * Correlation of two builds' records (klp/correlate.h, docs/selection.md).
 *
 * Source identities are interned in one table shared by both records; every
 * src entry of either record gets the number of its identity (flat arrays
 * indexed by its place in its record's pool, so a lookup is O(1)).  Emitted
 * functions are then hashed per record by (identity, data or code, role)
 * and paired when the key is unique on both sides.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "klp/correlate.h"
#include "klp/counter_names.h"
#include "klp/error.h"

#define NO_ID	UINT32_MAX
#define SRC_BATCH	16

struct fnode {
	struct klp_hnode node;
	/*
	 * sym_name, or its counter-free form (malloc'd, then freed by
	 * free_pairing()); no separate buffer pointer, and the func is
	 * fnode_func(): 32 bytes per func.
	 */
	const char *role;
	uint32_t srcid;			/* NO_ID: func without a source */
};

struct side {
	struct klp_record *rec;
	size_t *func_base;		/* per blob: first flat func index */
	uint32_t *src_id;		/* per flat src: identity */
	struct fnode *fnodes;		/* per flat func */
	uint32_t *peer;			/* per flat func: peer's flat index + 1, or 0 */
	bool *ambiguous;		/* per flat func */
	struct klp_htab func_by_key;
};

/* An identity in src_by_key (only while the records are correlated). */
struct inode {
	struct klp_hnode node;
	uint32_t id;
};

struct klp_corr {
	struct side side[2];		/* 0: original, 1: patched */
	struct klp_corr_src *srcs;
	size_t nsrc, cap;
	struct inode *inodes;		/* per identity */
	struct klp_htab src_by_key;
	const char **renamed;		/* per patched flat src (counter) */
};

size_t klp_role_len(const char *name)
{
	size_t len = strlen(name);
	size_t i = len;

	while (i > 0 && name[i - 1] >= '0' && name[i - 1] <= '9')
		i--;
	if (i == len || i < 6 || memcmp(name + i - 6, ".llvm.", 6))
		return len;
	return i - 6;
}

bool klp_role_eq(const char *a, const char *b)
{
	size_t la = klp_role_len(a), lb = klp_role_len(b);

	return la == lb && !memcmp(a, b, la);
}

uint64_t klp_role_hash(const char *name)
{
	return klp_hash_bytes(name, klp_role_len(name));
}

/*
 * The hash of the pool string at @off, remembered for the next call: a
 * blob's srcs mostly share one file and one unit string.
 */
struct str_memo {
	uint32_t off;
	bool set;
	uint64_t h;
};

static uint64_t memo_hash(const struct klp_record *rec, struct str_memo *m,
			  uint32_t off)
{
	if (!m->set || m->off != off) {
		m->h = klp_hash_str(klp_str(rec, off));
		m->off = off;
		m->set = true;
	}
	return m->h;
}

/*
 * The src_by_key hash of @s: of its file, name and unit ("" and "" for an
 * extern); @name: the name @s goes by (klp_counter_pair()'s for a
 * renumbered one); @m: the file's and the unit's memo.
 */
static uint64_t src_hash(const struct klp_record *rec,
			 const struct klp_src *s, const char *name,
			 struct str_memo m[2])
{
	bool ext = s->flags & KLP_SRC_EXTERN;
	uint64_t none = klp_hash_str("");

	return klp_hash_pair(klp_hash_pair(ext ? none :
					   memo_hash(rec, &m[0], s->file),
					   klp_hash_str(name)),
			     ext ? none : memo_hash(rec, &m[1], s->unit));
}

/*
 * Interns the identity of @s and makes @s its representative if better.
 * @name: the name it goes by, @s's own or, for a counter-numbered source
 * of the patched build, the original's (klp_counter_pair()); @h: its
 * src_hash().
 */
static uint32_t intern_src(struct klp_corr *c, int k, struct klp_src *s,
			   const char *name, uint64_t h, bool own)
{
	bool ext = s->flags & KLP_SRC_EXTERN;
	const char *file = ext ? "" : klp_str(c->side[k].rec, s->file);
	const char *unit = ext ? "" : klp_str(c->side[k].rec, s->unit);
	struct klp_corr_src *id = NULL, *cs;
	struct inode *pos;

	klp_htab_for_each(pos, &c->src_by_key, h, struct inode, node) {
		cs = &c->srcs[pos->id];
		if (cs->is_extern == ext &&
		    !strcmp(klp_corr_src_name(c, pos->id), name) &&
		    !strcmp(klp_corr_src_file(c, pos->id), file) &&
		    !strcmp(klp_corr_src_unit(c, pos->id), unit)) {
			id = cs;
			break;
		}
	}
	if (!id) {
		/*
		 * cap is the total of both records: no reallocation.  A
		 * renamed src of the patched build (@name not its own) finds
		 * the identity its original made: klp_counter_pair() takes
		 * the name from a src of the same file and unit.
		 */
		id = &c->srcs[c->nsrc];
		id->id = (uint32_t)c->nsrc;
		id->is_extern = ext;
		c->inodes[c->nsrc].id = id->id;
		if (klp_htab_add(&c->src_by_key, &c->inodes[c->nsrc++].node,
				 h))
			return NO_ID;
	}
	{
		struct klp_src **rep = k ? &id->patched : &id->orig;
		bool *rep_own = k ? &id->patched_own : &id->orig_own;

		if (*rep && (*rep)->fingerprint != s->fingerprint)
			id->fp_conflict = true;
		/* Prefer the copy from the source's own unit. */
		if (!*rep || (!*rep_own && own)) {
			*rep = s;
			*rep_own = own;
		}
	}
	return id->id;
}

/*
 * A record correlated with itself (`klp-gen plan` has no patched build):
 * interning and indexing it again would find what side 0 made, in the same
 * order, so side 1 shares side 0's arrays (pairing then finds each func its
 * own peer, and marks ambiguous funcs once); klp_corr_free() frees them once.
 */
static bool shared_sides(const struct klp_corr *c)
{
	return c->side[1].peer == c->side[0].peer;
}

static void share_side(struct klp_corr *c)
{
	c->side[1] = c->side[0];
	for (size_t i = 0; i < c->nsrc; i++)
		c->srcs[i].patched = c->srcs[i].orig;
}

static int side_init(struct klp_corr *c, int k, struct klp_record *rec)
{
	struct side *sd = &c->side[k];
	size_t ns = 0, nf = 0;

	sd->rec = rec;
	sd->func_base = calloc(rec->nblob + 1, sizeof(*sd->func_base));
	sd->src_id = calloc(rec->nsrc + 1, sizeof(*sd->src_id));
	sd->fnodes = calloc(rec->nfunc + 1, sizeof(*sd->fnodes));
	sd->peer = calloc(rec->nfunc + 1, sizeof(*sd->peer));
	sd->ambiguous = calloc(rec->nfunc + 1, sizeof(*sd->ambiguous));
	if (!sd->func_base || !sd->src_id || !sd->fnodes ||
	    !sd->peer || !sd->ambiguous ||
	    klp_htab_init(&sd->func_by_key, rec->nfunc))
		return klp_err("%s: out of memory", rec->elf->name);
	for (size_t b = 0; b < rec->nblob; b++) {
		struct klp_blob *bl = &rec->blobs[b];
		struct str_memo memo[2] = { { 0 } };

		sd->func_base[b] = nf;
		/*
		 * In batches: the hashes first, their buckets prefetched,
		 * then the first node of each, then the lookups (millions of srcs, a table far larger
		 * than the caches: the lookups wait for memory, not work).
		 */
		for (uint32_t i0 = 0; i0 < bl->nsrc; i0 += SRC_BATCH) {
			uint32_t n = bl->nsrc - i0 < SRC_BATCH ?
				     bl->nsrc - i0 : SRC_BATCH;
			uint64_t h[SRC_BATCH];
			const char *name[SRC_BATCH];

			for (uint32_t i = 0; i < n; i++) {
				const char *rn = k ? c->renamed[ns + i0 + i] :
						     NULL;

				name[i] = rn ? rn :
					  klp_str(rec, bl->srcs[i0 + i].name);
				h[i] = src_hash(rec, &bl->srcs[i0 + i],
						name[i], memo);
				klp_htab_prefetch(&c->src_by_key, h[i]);
			}
			for (uint32_t i = 0; i < n; i++)
				klp_htab_prefetch_node(&c->src_by_key, h[i]);
			for (uint32_t i = 0; i < n; i++) {
				struct klp_src *s = &bl->srcs[i0 + i];
				uint32_t id = intern_src(c, k, s, name[i], h[i],
							 !strcmp(bl->unit,
								 klp_str(rec,
								 s->unit)));

				if (id == NO_ID)
					return klp_err("%s: out of memory",
						       rec->elf->name);
				sd->src_id[ns + i0 + i] = id;
			}
		}
		ns += bl->nsrc;
		nf += bl->nfunc;
	}
	return 0;
}

static size_t flat_func(const struct side *sd, const struct klp_func *f)
{
	return sd->func_base[f->blob->index] + klp_func_index(f);
}

static uint32_t srcid_of(const struct side *sd, const struct klp_src *s)
{
	/* The record's srcs are one array in blob order (its src_pool). */
	return sd->src_id[s - sd->rec->src_pool];
}

/* fnodes[i] is the func at flat index i: func_pool[i]. */
static struct klp_func *fnode_func(const struct side *sd,
				   const struct fnode *n)
{
	return &sd->rec->func_pool[n - sd->fnodes];
}

static uint64_t func_key_hash(const struct klp_func *f, const struct fnode *n)
{
	uint64_t h = n->srcid == NO_ID ? klp_hash_str(f->blob->unit) :
					 klp_hash_u64(n->srcid);

	h = klp_hash_pair(h, klp_role_hash(n->role));
	return klp_hash_pair(h, f->flags & KLP_FUNC_DATA);
}

/* Node @a of side @sa has the key of @b (func @fb). */
static bool func_key_eq(const struct side *sa, const struct fnode *a,
			const struct klp_func *fb, const struct fnode *b)
{
	const struct klp_func *fa = fnode_func(sa, a);

	if (a->srcid != b->srcid)
		return false;
	if (a->srcid == NO_ID && strcmp(fa->blob->unit, fb->blob->unit))
		return false;
	if ((fa->flags ^ fb->flags) & KLP_FUNC_DATA)
		return false;
	return klp_role_eq(a->role, b->role);
}

/*
 * A func's role without __COUNTER__ numbers: its source was paired across
 * a renumbering (klp_counter_pair()), and its symbol is named like it.
 * Funcs without a source keep their names: nothing else pairs them.
 */
static int set_role(const struct klp_func *f, struct fnode *n)
{
	unsigned long long num;
	unsigned int nd;
	char *buf = NULL;
	int r;

	n->role = f->sym_name;
	if (n->srcid == NO_ID)
		return 0;
	r = klp_counter_name(f->sym_name, &buf, &num, &nd);
	if (r > 0)
		n->role = buf;
	else
		free(buf);
	return r < 0 ? -1 : 0;
}

static int index_funcs(struct klp_corr *c, int k)
{
	struct side *sd = &c->side[k];
	struct klp_record *rec = sd->rec;

	for (size_t b = 0; b < rec->nblob; b++) {
		struct klp_blob *bl = &rec->blobs[b];

		/* In batches, buckets prefetched (see side_init()). */
		for (uint32_t i0 = 0; i0 < bl->nfunc; i0 += SRC_BATCH) {
			uint32_t cnt = bl->nfunc - i0 < SRC_BATCH ?
				       bl->nfunc - i0 : SRC_BATCH;
			uint64_t h[SRC_BATCH];

			for (uint32_t i = 0; i < cnt; i++) {
				struct klp_func *f = &bl->funcs[i0 + i];
				struct fnode *n = &sd->fnodes[flat_func(sd, f)];

				n->srcid = f->src ? srcid_of(sd, f->src) :
						    NO_ID;
				if (set_role(f, n))
					return -1;
				h[i] = func_key_hash(f, n);
				klp_htab_prefetch(&sd->func_by_key, h[i]);
			}
			for (uint32_t i = 0; i < cnt; i++) {
				struct klp_func *f = &bl->funcs[i0 + i];
				struct fnode *n = &sd->fnodes[flat_func(sd, f)];

				if (f->discarded)
					continue;
				if (klp_htab_add(&sd->func_by_key, &n->node,
						 h[i]))
					return klp_err("%s: out of memory",
						       rec->elf->name);
			}
		}
	}
	return 0;
}

/* The nodes of side @sd with the key of @n (func @f): how many, the first. */
static size_t count_key(const struct side *sd, const struct klp_func *f,
			const struct fnode *n, uint64_t h,
			struct fnode **first)
{
	struct fnode *pos;
	size_t cnt = 0;

	*first = NULL;
	klp_htab_for_each(pos, &sd->func_by_key, h, struct fnode, node)
		if (func_key_eq(sd, pos, f, n)) {
			if (!cnt)
				*first = pos;
			cnt++;
		}
	return cnt;
}

static void mark_all(struct klp_corr *c, int k, const struct klp_func *f,
		     const struct fnode *n, uint64_t h)
{
	struct side *sd = &c->side[k];
	struct fnode *pos;

	klp_htab_for_each(pos, &sd->func_by_key, h, struct fnode, node)
		if (func_key_eq(sd, pos, f, n))
			sd->ambiguous[pos - sd->fnodes] = true;
}

static void pair_funcs(struct klp_corr *c)
{
	struct side *o = &c->side[0], *p = &c->side[1];

	uint64_t hb[SRC_BATCH];

	for (size_t i = 0; i < o->rec->nfunc; i++) {
		struct fnode *n = &o->fnodes[i], *mo, *mp;
		struct klp_func *f = &o->rec->func_pool[i];
		size_t co, cp;
		uint64_t h;

		/* Every SRC_BATCH funcs: the next batch's buckets prefetched. */
		if (i % SRC_BATCH == 0)
			for (size_t j = i; j < i + SRC_BATCH &&
			     j < o->rec->nfunc; j++) {
				const struct klp_func *g = &o->rec->func_pool[j];

				if (g->discarded)
					continue;
				hb[j - i] = func_key_hash(g, &o->fnodes[j]);
				klp_htab_prefetch(&o->func_by_key, hb[j - i]);
				klp_htab_prefetch(&p->func_by_key, hb[j - i]);
			}
		if (f->discarded || o->peer[i] || o->ambiguous[i])
			continue;
		h = hb[i % SRC_BATCH];
		co = count_key(o, f, n, h, &mo);
		cp = count_key(p, f, n, h, &mp);
		if (co == 1 && cp == 1) {
			o->peer[i] = (uint32_t)(mp - p->fnodes) + 1;
			p->peer[mp - p->fnodes] = (uint32_t)i + 1;
		} else if (cp > 0) {
			mark_all(c, 0, f, n, h);
			mark_all(c, 1, f, n, h);
		}
	}
}

/*
 * Records can only be compared when one toolchain (compiler, LLVM, plugin)
 * made every blob of both: fingerprints hash the IR that toolchain produced,
 * so another compiler "changes" every function.  The producer string names
 * the toolchain; it must be the same in every blob.
 *
 * Nor can records of different kernels (another release, another config):
 * every difference between them would look like part of the patch.  The
 * build identity (-klp-lto-build-id, docs/record-format.md) names the
 * kernel; it must be the same in every blob too.  A blob without one (a 1.0
 * record, a build without the option, a hand-written test record) has the
 * empty identity, which is just another value: two records without
 * identity compare, one with and one without do not (the builds were not
 * made the same way), and neither does a file whose blobs disagree.
 */
static const char *shown_id(const char *id)
{
	return id[0] ? id : "(none)";
}

static int check_same_build(const struct klp_record *orig,
			    const struct klp_record *patched)
{
	const struct klp_record *recs[2] = { orig, patched };
	const struct klp_record *first_rec = NULL;
	const struct klp_blob *first = NULL;

	for (int k = 0; k < 2; k++)
		for (size_t b = 0; b < recs[k]->nblob; b++) {
			const struct klp_blob *bl = &recs[k]->blobs[b];

			if (!first) {
				first = bl;
				first_rec = recs[k];
				continue;
			}
			if (strcmp(bl->producer, first->producer))
				return klp_err("%s: blob %u (unit %s) was made by \"%s\", but %s blob %u (unit %s) by \"%s\": records of different toolchains cannot be compared; build both kernels with the same compiler and plugin",
					       recs[k]->elf->name, bl->index,
					       bl->unit, bl->producer,
					       first_rec->elf->name, first->index,
					       first->unit, first->producer);
			if (strcmp(bl->build_id, first->build_id))
				return klp_err("%s: blob %u (unit %s) has build identity %s%s%s, but %s blob %u (unit %s) has %s%s%s: records of different builds (kernel release or config) cannot be compared; build the patched kernel from a copy of the original build dir, with the same config",
					       recs[k]->elf->name, bl->index,
					       bl->unit,
					       bl->build_id[0] ? "\"" : "",
					       shown_id(bl->build_id),
					       bl->build_id[0] ? "\"" : "",
					       first_rec->elf->name, first->index,
					       first->unit,
					       first->build_id[0] ? "\"" : "",
					       shown_id(first->build_id),
					       first->build_id[0] ? "\"" : "");
		}
	return 0;
}

/* What only the interning reads: freed before the funcs are indexed. */
static void free_interning(struct klp_corr *c)
{
	free(c->renamed);
	c->renamed = NULL;
	klp_htab_free(&c->src_by_key);
	free(c->inodes);
	c->inodes = NULL;
}

/* What only the pairing reads (the func nodes and their roles, the tables). */
static void free_pairing(struct klp_corr *c)
{
	for (int k = 0; k < 2 - shared_sides(c); k++) {
		struct side *sd = &c->side[k];

		for (size_t i = 0; sd->fnodes && i < sd->rec->nfunc; i++) {
			struct fnode *n = &sd->fnodes[i];

			if (n->role && n->role != fnode_func(sd, n)->sym_name)
				free((char *)n->role);
		}
		free(sd->fnodes);
		sd->fnodes = NULL;
		klp_htab_free(&sd->func_by_key);
	}
	free_interning(c);
}

struct klp_corr *klp_correlate(struct klp_record *orig,
			       struct klp_record *patched)
{
	struct klp_corr *c;

	if (check_same_build(orig, patched))
		return NULL;
	c = calloc(1, sizeof(*c));
	if (!c) {
		klp_err("out of memory");
		return NULL;
	}
	c->cap = orig->nsrc + patched->nsrc + 1;
	c->srcs = calloc(c->cap, sizeof(*c->srcs));
	c->inodes = calloc(c->cap, sizeof(*c->inodes));
	/* Identities are mostly shared: sized for one side (it grows). */
	if (!c->srcs || !c->inodes || klp_htab_init(&c->src_by_key, c->cap / 2 + 1)) {
		klp_err("out of memory");
		goto fail;
	}
	if (klp_counter_pair(orig, patched, &c->renamed) ||
	    side_init(c, 0, orig) ||
	    (patched != orig && side_init(c, 1, patched)))
		goto fail;
	free_interning(c);
	if (index_funcs(c, 0) || (patched != orig && index_funcs(c, 1)))
		goto fail;
	if (patched == orig)
		share_side(c);
	pair_funcs(c);
	free_pairing(c);
	return c;
fail:
	klp_corr_free(c);
	return NULL;
}

void klp_corr_free(struct klp_corr *c)
{
	if (!c)
		return;
	free_pairing(c);
	for (int k = 0; k < 2 - shared_sides(c); k++) {
		free(c->side[k].func_base);
		free(c->side[k].src_id);
		free(c->side[k].peer);
		free(c->side[k].ambiguous);
	}
	free(c->srcs);
	free(c);
}

/* The peer of @f of side @from, or NULL. */
static struct klp_func *peer_of(const struct klp_corr *c, int from,
				const struct klp_func *f)
{
	uint32_t p = c->side[from].peer[flat_func(&c->side[from], f)];

	return p ? &c->side[!from].rec->func_pool[p - 1] : NULL;
}

struct klp_func *klp_corr_orig_of(const struct klp_corr *c,
				  const struct klp_func *patched_func)
{
	return peer_of(c, 1, patched_func);
}

struct klp_func *klp_corr_patched_of(const struct klp_corr *c,
				     const struct klp_func *orig_func)
{
	return peer_of(c, 0, orig_func);
}

size_t klp_corr_nsrc(const struct klp_corr *c)
{
	return c->nsrc;
}

struct klp_corr_src *klp_corr_src(const struct klp_corr *c, size_t id)
{
	return id < c->nsrc ? &c->srcs[id] : NULL;
}

/* A string of identity @id, from its representative (the original's first). */
static const char *rep_str(const struct klp_corr *c, uint32_t id,
			   size_t field)
{
	const struct klp_corr_src *cs = &c->srcs[id];
	const struct klp_src *s = cs->orig ? cs->orig : cs->patched;

	if (cs->is_extern && field != offsetof(struct klp_src, name))
		return "";
	return klp_str(c->side[!cs->orig].rec,
		       *(const uint32_t *)((const char *)s + field));
}

const char *klp_corr_src_file(const struct klp_corr *c, uint32_t id)
{
	return rep_str(c, id, offsetof(struct klp_src, file));
}

const char *klp_corr_src_name(const struct klp_corr *c, uint32_t id)
{
	return rep_str(c, id, offsetof(struct klp_src, name));
}

const char *klp_corr_src_unit(const struct klp_corr *c, uint32_t id)
{
	return rep_str(c, id, offsetof(struct klp_src, unit));
}

uint32_t klp_corr_src_id_of_orig(const struct klp_corr *c,
				 const struct klp_src *s)
{
	return srcid_of(&c->side[0], s);
}

uint32_t klp_corr_src_id_of_patched(const struct klp_corr *c,
				    const struct klp_src *s)
{
	return srcid_of(&c->side[1], s);
}

/* Without reading the src entry: its place in the pool is its number. */
static uint32_t edge_srcid(const struct side *sd, const struct klp_func *f,
			   const struct klp_edge *e)
{
	return sd->src_id[klp_edge_src(f, e) - sd->rec->src_pool];
}

uint32_t klp_corr_edge_src_id_of_orig(const struct klp_corr *c,
				      const struct klp_func *f,
				      const struct klp_edge *e)
{
	return edge_srcid(&c->side[0], f, e);
}

uint32_t klp_corr_edge_src_id_of_patched(const struct klp_corr *c,
					 const struct klp_func *f,
					 const struct klp_edge *e)
{
	return edge_srcid(&c->side[1], f, e);
}

bool klp_corr_func_ambiguous(const struct klp_corr *c,
			     const struct klp_func *f)
{
	/* @f may belong to either record: check which one by its blob. */
	for (int k = 0; k < 2; k++) {
		const struct side *sd = &c->side[k];
		const struct klp_blob *b = f->blob;

		if (b->index < sd->rec->nblob && &sd->rec->blobs[b->index] == b)
			return sd->ambiguous[flat_func(sd, f)];
	}
	return false;
}

/* The one defined, non-section symbol named @name in @elf, or NULL. */
static struct klp_symbol *unique_sym(const struct klp_elf *elf,
				     const char *name)
{
	struct klp_symbol *found = NULL;

	for (struct klp_symbol *s = klp_elf_symbol_by_name(elf, name); s;
	     s = klp_elf_next_symbol_by_name(elf, s)) {
		if (!s->sec || s->type == STT_SECTION || s->type == STT_FILE)
			continue;
		if (found)
			return NULL;
		found = s;
	}
	return found;
}

static struct klp_symbol *peer_sym(const struct klp_corr *c, int from,
				   const struct klp_symbol *sym)
{
	const struct side *sd = &c->side[from];
	const struct side *other = &c->side[!from];
	struct klp_func *f = klp_record_func_of_sym(sd->rec, sym);
	struct klp_symbol *a, *b;

	if (f) {
		for (; f; f = klp_record_next_func_of_sym(sd->rec, f)) {
			struct klp_func *p = peer_of(c, from, f);

			if (p && p->sym)
				return p->sym;
		}
		return NULL;
	}
	a = unique_sym(sd->rec->elf, sym->name);
	b = unique_sym(other->rec->elf, sym->name);
	if (a != sym || !b || a->type != b->type)
		return NULL;
	/* A recorded symbol is paired through the record only. */
	if (klp_record_func_of_sym(other->rec, b))
		return NULL;
	return b;
}

struct klp_symbol *klp_corr_orig_sym_of(const struct klp_corr *c,
					const struct klp_symbol *patched_sym)
{
	return peer_sym(c, 1, patched_sym);
}

struct klp_symbol *klp_corr_patched_sym_of(const struct klp_corr *c,
					   const struct klp_symbol *orig_sym)
{
	return peer_sym(c, 0, orig_sym);
}

struct klp_record *klp_corr_orig(const struct klp_corr *c)
{
	return c->side[0].rec;
}

struct klp_record *klp_corr_patched(const struct klp_corr *c)
{
	return c->side[1].rec;
}
