/* Running a command and capturing what it says (cli.h). Output goes to
 * unlinked temporary files rather than pipes, so that a chatty child never
 * blocks on a full pipe while we wait for it. The child's XDG_DATA_HOME is
 * a directory of this test process's own, holding a CPAK made for it, so
 * that `ccakit run` uses its default CPAK there (quietly: it exists), never
 * the home of whoever runs the tests. */
#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
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

static char data_home[] = "/tmp/ccakit-cli-home-XXXXXX";

static void data_home_remove(void)
{
	char path[sizeof(data_home) + 32];
	snprintf(path, sizeof(path), "%s/ccakit/cpak.pem", data_home);
	unlink(path);
	snprintf(path, sizeof(path), "%s/ccakit", data_home);
	rmdir(path);
	rmdir(data_home);
}

static const char *cli_data_home(void)
{
	static bool made;
	if (!made) {
		assert_non_null(mkdtemp(data_home));
		atexit(data_home_remove);
		char path[sizeof(data_home) + 32];
		snprintf(path, sizeof(path), "%s/ccakit", data_home);
		assert_int_equal(mkdir(path, 0700), 0);
		snprintf(path, sizeof(path), "%s/ccakit/cpak.pem", data_home);
		EVP_PKEY *k = EVP_EC_gen("P-384");
		FILE *f = fopen(path, "w");
		assert_true(k && f && PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL));
		assert_int_equal(fclose(f), 0);
		EVP_PKEY_free(k);
		made = true;
	}
	return data_home;
}

struct cli_run *cli_exec(char *const argv[])
{
	return cli_exec_stdin(argv, NULL);
}

struct cli_run *cli_exec_stdin(char *const argv[], const char *input)
{
	const char *home = cli_data_home();
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
		if (input) {
			int in = open(input, O_RDONLY);
			if (in < 0)
				_exit(126);
			dup2(in, 0);
		}
		setenv("XDG_DATA_HOME", home, 1);
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
