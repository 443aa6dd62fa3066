/* Running a command and capturing what it says (cli.h). Output goes to
 * unlinked temporary files rather than pipes, so that a chatty child never
 * blocks on a full pipe while we wait for it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli.h"

static void slurp(int fd, char *buf, size_t cap)
{
	lseek(fd, 0, SEEK_SET);
	ssize_t n = read(fd, buf, cap - 1);
	buf[n > 0 ? n : 0] = '\0';
	close(fd);
}

struct cli_run *cli_exec(char *const argv[])
{
	static struct cli_run r;
	char out_name[] = "/tmp/ccakit-cli-out-XXXXXX", err_name[] = "/tmp/ccakit-cli-err-XXXXXX";
	int out = mkstemp(out_name), err = mkstemp(err_name);
	assert_true(out >= 0 && err >= 0);
	unlink(out_name);
	unlink(err_name);
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(out, 1);
		dup2(err, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	int ws;
	assert_int_equal(waitpid(pid, &ws, 0), pid);
	r.status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
	slurp(out, r.out, sizeof(r.out));
	slurp(err, r.err, sizeof(r.err));
	return &r;
}

struct cli_run *cli_execl(const char *path, ...)
{
	char *argv[64] = { (char *)path };
	size_t n = 1;
	va_list ap;
	va_start(ap, path);
	for (const char *a = va_arg(ap, const char *); a; a = va_arg(ap, const char *)) {
		assert_true(n < 63);
		argv[n++] = (char *)a;
	}
	va_end(ap);
	argv[n] = NULL;
	return cli_exec(argv);
}
