/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the libFuzzer harnesses and test/tools/record-torture.c: the
 * readers under test take a path, as klp-gen's commands do, so the input
 * bytes are put in a memfd and handed over as its /proc/self/fd path.  No
 * change to the code under test, and no file system traffic.  Harnesses
 * check their invariants with KLP_FUZZ_CHECK, which aborts: libFuzzer
 * reports an abort as a crash, with the input saved.
 */
#ifndef KLP_FUZZ_INPUT_H
#define KLP_FUZZ_INPUT_H

#ifndef _GNU_SOURCE	/* klpcore passes -D_GNU_SOURCE to its users */
#define _GNU_SOURCE
#endif
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define KLP_FUZZ_CHECK(cond)						\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: invariant failed: %s\n",	\
				__FILE__, __LINE__, #cond);		\
			abort();					\
		}							\
	} while (0)

/*
 * Writes @size bytes at @data to a new memfd and puts its path in @path.
 * Returns the fd (close it when done) or -1, in which case the input is
 * skipped: that is a resource problem of the harness, not a finding.
 */
static inline int klp_fuzz_file(const uint8_t *data, size_t size,
				char *path, size_t len)
{
	size_t done = 0;
	int fd = memfd_create("klp-fuzz", 0);

	if (fd < 0)
		return -1;
	while (done < size) {
		ssize_t n = write(fd, data + done, size - done);

		if (n <= 0) {
			close(fd);
			return -1;
		}
		done += (size_t)n;
	}
	snprintf(path, len, "/proc/self/fd/%d", fd);
	return fd;
}

/* A sink for printers under test: their output is not the point. */
static inline FILE *klp_fuzz_devnull(void)
{
	static FILE *devnull;

	if (!devnull)
		devnull = fopen("/dev/null", "w");
	return devnull;
}

#endif /* KLP_FUZZ_INPUT_H */
