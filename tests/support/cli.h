/* Runs a command as a user would (the built ccakit binary, say): a child
 * process, its exit status, stdout and stderr captured. */
#ifndef CCAKIT_TEST_CLI_H
#define CCAKIT_TEST_CLI_H

#include <stddef.h>

struct cli_run {
	int status;      /* exit status; 128 + signal if it was killed */
	char out[1 << 16]; /* stdout, NUL-terminated (truncated to fit) */
	char err[1 << 13]; /* stderr, likewise */
};

/* Runs argv (argv[0] a path, NULL-terminated) and waits for it; fails the
 * test if it cannot be started. The result is a static buffer, overwritten
 * by the next call. */
struct cli_run *cli_exec(char *const argv[]);
/* The same with the file at input (NULL: none) as its standard input. */
struct cli_run *cli_exec_stdin(char *const argv[], const char *input);
/* The same with the arguments listed: cli_execl(path, arg1, ..., NULL). */
struct cli_run *cli_execl(const char *path, ...) __attribute__((sentinel));

/* A message (stdout, stderr, err) contains sub; needs cmocka.h. */
#define assert_contains(s, sub)                                                                    \
	do {                                                                                       \
		if (!strstr((s), (sub)))                                                           \
			fail_msg("message '%s' does not contain '%s'", (s), (sub));                \
	} while (0)

#endif
