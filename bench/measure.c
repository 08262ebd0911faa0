// SPDX-License-Identifier: GPL-2.0
/*
 * measure [-o OUT] [-e ERR] -- COMMAND [ARG]...
 *
 * Runs COMMAND (stdout to OUT, stderr to ERR, both /dev/null by default) and
 * prints one line: `WALL_SECONDS MAXRSS_KB STATUS CPU_SECONDS`, where STATUS
 * is the exit code or 128 + the signal number and CPU_SECONDS is user +
 * system time (what a shared, overloaded machine does not inflate).  The peak RSS is the child's own
 * ru_maxrss from wait4(), which GNU time would print too (it is not installed
 * on the bench machines); the wall time is CLOCK_MONOTONIC around fork/wait.
 * bench/run.sh compiles this with cc on first use.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void usage(void)
{
	fputs("usage: measure [-o OUT] [-e ERR] -- COMMAND [ARG]...\n", stderr);
	exit(2);
}

static int redirect(const char *path, int fd)
{
	int f = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (f < 0 || dup2(f, fd) < 0)
		return -1;
	close(f);
	return 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	const char *out = "/dev/null", *err = "/dev/null";
	struct rusage ru;
	double t0, t1;
	int i, status;
	pid_t pid;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		}
		if (i + 1 >= argc)
			usage();
		if (!strcmp(argv[i], "-o"))
			out = argv[++i];
		else if (!strcmp(argv[i], "-e"))
			err = argv[++i];
		else
			usage();
	}
	if (i >= argc)
		usage();

	t0 = now();
	pid = fork();
	if (pid < 0) {
		perror("measure: fork");
		return 1;
	}
	if (pid == 0) {
		if (redirect(out, 1) || redirect(err, 2)) {
			perror("measure: cannot redirect output");
			_exit(127);
		}
		execvp(argv[i], argv + i);
		fprintf(stderr, "measure: %s: %s\n", argv[i], strerror(errno));
		_exit(127);
	}
	while (wait4(pid, &status, 0, &ru) < 0) {
		if (errno != EINTR) {
			perror("measure: wait4");
			return 1;
		}
	}
	t1 = now();
	printf("%.3f %ld %d %.3f\n", t1 - t0, ru.ru_maxrss,
	       WIFEXITED(status) ? WEXITSTATUS(status) :
				   128 + WTERMSIG(status),
	       ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6);
	return 0;
}
