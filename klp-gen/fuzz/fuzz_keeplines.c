// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for keep-lines (klp/keeplines.h, klp/cpp_lines.h): the
 * input is a patched source, any bytes.  Its first byte picks up to four
 * runs of its lines that the "original" does not have (each as a position
 * and a length from the next bytes), and a line the original has instead
 * of some of them; the harness writes the diff -U0 of the two as a patch,
 * reads it with the unified-diff reader and computes the directives.
 * Invariants checked:
 *  - the diff describes the two texts (compute succeeds);
 *  - the directives are in line order, each before an existing line that
 *    the lexer calls safe and that lies outside the hunks, and each names
 *    the original line number of the line it precedes;
 *  - the written output is the patched text with exactly those lines
 *    inserted.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_input.h"
#include "klp/cpp_lines.h"
#include "klp/error.h"
#include "klp/keeplines.h"
#include "klp/udiff.h"

#define MAXRUNS 4

struct run {
	size_t first, count;	/* patched lines [first, first + count) */
	bool replaces;		/* the original has one line "gone" there */
};

static size_t count_lines(const char *t, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		k += t[i] == '\n';
	return k + (n && t[n - 1] != '\n');
}

/* Offset of the start of line @k (1-based) of @t, or @n past the end. */
static size_t line_start(const char *t, size_t n, size_t k)
{
	size_t i = 0;

	for (size_t l = 1; l < k && i < n; i++)
		if (t[i] == '\n')
			l++;
	return i;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct run runs[MAXRUNS];
	size_t nruns, hdr, plen, np, olen = 0, dlen = 0, ocap, dcap;
	const char *p;
	char *o, *d, path[64];
	struct klp_udiff *ud;
	struct klp_keeplines kl;
	struct klp_cpp_lines cl;
	size_t next = 1, delta_o = 0;
	int fd;

	if (size < 1)
		return 0;
	nruns = data[0] % (MAXRUNS + 1);
	hdr = 1 + 2 * nruns;
	if (size < hdr)
		return 0;
	p = (const char *)data + hdr;
	plen = size - hdr;
	if (memchr(p, '\0', plen))	/* a text file */
		return 0;
	np = count_lines(p, plen);
	/* runs in order, not touching: a gap of at least one line between */
	nruns = 0;
	for (size_t r = 0; r < (size_t)(data[0] % (MAXRUNS + 1)); r++) {
		size_t first = next + data[1 + 2 * r] % 8;
		size_t count = data[2 + 2 * r] % 4;

		if (!count || first + count - 1 > np)
			break;
		runs[nruns].first = first;
		runs[nruns].count = count;
		runs[nruns].replaces = data[2 + 2 * r] & 0x80;
		nruns++;
		next = first + count + 1;
	}
	if (!nruns)
		return 0;
	/* the original: the patched text without the runs (+ "gone" lines) */
	ocap = plen + 16 * nruns + 1;
	dcap = plen + 128 * nruns + 64;
	o = malloc(ocap);
	d = malloc(dcap);
	if (!o || !d)
		goto out;
	/* the last line must end with a newline for the runs to be cut cleanly */
	if (plen && p[plen - 1] != '\n')
		goto out;
	dlen += (size_t)snprintf(d, dcap, "--- a/f.c\n+++ b/f.c\n");
	{
		size_t pos = 1, r = 0;

		while (pos <= np) {
			size_t s = line_start(p, plen, pos);
			size_t e = line_start(p, plen, pos + 1);

			if (r < nruns && pos == runs[r].first) {
				size_t ostart = pos - 1 - delta_o;
				size_t rs = s, re = line_start(p, plen,
						pos + runs[r].count);

				if (runs[r].replaces) {
					memcpy(o + olen, "gone\n", 5);
					olen += 5;
					dlen += (size_t)snprintf(d + dlen, dcap - dlen,
						"@@ -%zu +%zu,%zu @@\n-gone\n",
						ostart + 1, pos, runs[r].count);
					delta_o += runs[r].count - 1;
				} else {
					dlen += (size_t)snprintf(d + dlen, dcap - dlen,
						"@@ -%zu,0 +%zu,%zu @@\n",
						ostart, pos, runs[r].count);
					delta_o += runs[r].count;
				}
				for (size_t i = rs; i < re; i++) {
					if (i == rs || p[i - 1] == '\n')
						d[dlen++] = '+';
					d[dlen++] = p[i];
				}
				pos += runs[r].count;
				r++;
				continue;
			}
			memcpy(o + olen, p + s, e - s);
			olen += e - s;
			pos++;
		}
	}
	fd = klp_fuzz_file((const uint8_t *)d, dlen, path, sizeof(path));
	if (fd < 0)
		goto out;
	ud = klp_udiff_read(path);
	close(fd);
	if (!ud)	/* e.g. a patched line that looks like a header */
		goto out;
	KLP_FUZZ_CHECK(!klp_keeplines_compute(ud, "d", o, olen, "o", p, plen,
					      "p", &kl));
	if (!kl.orig_line_directive) {
		size_t r = 0, prev = 0;
		char *buf = NULL;
		size_t blen = 0;
		FILE *f;

		KLP_FUZZ_CHECK(!klp_cpp_lines_scan(p, plen, &cl));
		for (size_t k = 0; k < kl.nins; k++) {
			const struct klp_keeplines_insert *in = &kl.ins[k];
			size_t before = 0;

			KLP_FUZZ_CHECK(in->before > prev && in->before <= np);
			KLP_FUZZ_CHECK(cl.line[in->before].safe);
			/* outside the runs; the original number from the runs above */
			for (r = 0; r < nruns; r++) {
				KLP_FUZZ_CHECK(in->before < runs[r].first ||
					       in->before >= runs[r].first + runs[r].count);
				if (runs[r].first < in->before)
					before += runs[r].count - runs[r].replaces;
			}
			KLP_FUZZ_CHECK(in->number == in->before - before);
			prev = in->before;
		}
		f = open_memstream(&buf, &blen);
		if (f) {
			KLP_FUZZ_CHECK(!klp_keeplines_write(f, p, plen, &kl));
			fclose(f);
			/* the output without the directives is the input */
			size_t i = 0, j = 0, line = 1, k = 0;

			while (i < blen) {
				if (k < kl.nins && kl.ins[k].before == line &&
				    (j == 0 || p[j - 1] == '\n')) {
					char want[32];
					int n = snprintf(want, sizeof(want),
							 "#line %lu\n",
							 kl.ins[k].number);

					KLP_FUZZ_CHECK(blen - i >= (size_t)n &&
						       !memcmp(buf + i, want, (size_t)n));
					i += (size_t)n;
					k++;
					continue;
				}
				KLP_FUZZ_CHECK(j < plen && buf[i] == p[j]);
				if (p[j] == '\n')
					line++;
				i++;
				j++;
			}
			KLP_FUZZ_CHECK(j == plen && k == kl.nins);
			free(buf);
		}
		klp_cpp_lines_release(&cl);
	}
	klp_keeplines_release(&kl);
	klp_udiff_free(ud);
out:
	free(o);
	free(d);
	return 0;
}
