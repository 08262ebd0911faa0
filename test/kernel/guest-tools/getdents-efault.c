// SPDX-License-Identifier: GPL-2.0
/*
 * getdents-efault DIR: calls getdents64(2) on DIR with a buffer pointer that
 * is a valid user address but not mapped, so that the kernel's first
 * unsafe_put_user() in filldir64() faults and must be fixed up through the
 * exception table.  Prints "EFAULT" and exits 0 if the call failed with
 * EFAULT; anything else (success, another error) exits 1.  A live patch
 * that replaced filldir64() without carrying its __ex_table entries turns
 * this fault into an oops instead.
 *
 * Built static by test/kernel/test-klp-build.sh (clang-22 -static).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	/* Below every mapping of a static binary, above mmap_min_addr. */
	void *unmapped = (void *)0x100000;
	long ret;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	fd = open(argv[1], O_RDONLY | O_DIRECTORY);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	ret = syscall(SYS_getdents64, fd, unmapped, 4096);
	if (ret < 0 && errno == EFAULT) {
		puts("EFAULT");
		return 0;
	}
	printf("getdents64 returned %ld (%s), expected EFAULT\n", ret,
	       ret < 0 ? strerror(errno) : "no error");
	return 1;
}
