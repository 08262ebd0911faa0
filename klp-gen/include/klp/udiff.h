/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A reader for unified diffs (`diff -u`, `git diff`, `quilt`), as much as
 * `klp-gen plan` needs: for every hunk, its file (with the first path
 * component stripped, as `patch -p1` does) and the ORIGINAL-side lines it
 * changes.  A removed line is its old line number; added lines are an
 * insertion after the old line before them (0: at the top of the file).
 * Each hunk also keeps its old-side text (context and removed lines), which
 * klp/hunk_place.h matches against the original source to find where the
 * hunk really goes, as patch(1) does.
 */
#ifndef KLP_UDIFF_H
#define KLP_UDIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct klp_udiff_change {
	unsigned long line;	/* old-side line number */
	bool insert;		/* lines added after @line, not @line removed */
};

struct klp_udiff_hunk {
	unsigned int index;	/* 1-based over the whole patch */
	char *file;		/* -p1 path: the old one, or the new one for a new file */
	bool new_file;		/* old side is /dev/null */
	char *renamed;		/* the new (+++) path when it differs from
				 * @file (a rename); NULL otherwise */
	unsigned long old_start, old_count;
	unsigned long new_start, new_count;
	char *header;		/* its "@@ -A,B +C,D @@" line, for messages */
	unsigned int section;	/* 1-based: which ---/+++ header it follows */
	unsigned int file_index; /* 1-based within its section, as patch counts */
	/*
	 * The old side as patch(1) matches it: @old_count lines of context and
	 * removed text (without the leading ' ' or '-'), and how many context
	 * lines come before the first and after the last changed line.
	 */
	char **old_text;
	unsigned long prefix_context, suffix_context;
	/*
	 * Set by klp_hunks_place(): where the hunk goes in the original
	 * source.  @changes then hold placed line numbers (stated + @offset).
	 */
	bool placed;
	unsigned long where;	/* old-side line of its first old line */
	long offset;		/* @where - @old_start */
	unsigned int fuzz;	/* context lines ignored at each end (0-2) */
	struct klp_udiff_change *changes;
	size_t nchanges;
};

struct klp_udiff {
	struct klp_udiff_hunk *hunks;
	size_t nhunks;
	char **git_paths;	/* both -p1 paths of each `diff --git` line */
	size_t ngit_paths;
};

/*
 * Reads the patch at @path.  NULL with klp_errmsg() set ("PATH:LINE: what is
 * wrong") on an I/O error or a malformed hunk; a patch without any hunk is
 * an error too.
 */
struct klp_udiff *klp_udiff_read(const char *path);
void klp_udiff_free(struct klp_udiff *d);

/*
 * `klp-gen patch-files`: the -p1 paths that the patches @patches[0..@n)
 * name, sorted (bytewise), once each, one a line on @out.  Without @all:
 * the files they change (the new path of each file with hunks); each must
 * be a regular file in @in_dir, if given, since a patch cannot add files.
 * With @all: every path of their ---/+++ headers and `diff --git` lines,
 * what `patch` may write.  -1 with klp_errmsg() set on an error.
 */
int klp_patch_paths(const char *const *patches, size_t n, bool all,
		    const char *in_dir, FILE *out);

#endif /* KLP_UDIFF_H */
