/* The challenge and token host calls of an attesting guest, and the `ccakit
 * run` options behind them (attest_calls.h). */
#include <errno.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "vmm/attest_calls.h"

enum { OPT_CHALLENGE, OPT_TOKEN_OUT };

const struct vmm_option_def vmm_attest_options[VMM_ATTEST_OPTION_COUNT] = {
	{ "challenge", 0, "HEX", "the realm token's challenge: 64 bytes (128 hex digits)",
	  OPT_CHALLENGE },
	{ "token-out", 0, "FILE", "write the token the guest hands over to FILE", OPT_TOKEN_OUT },
};

int vmm_attest_option(void *ctx, int id, const char *value, char *err, size_t errlen)
{
	struct vmm_attest_config *c = ctx;
	size_t n;
	switch (id) {
	case OPT_CHALLENGE: {
		/* Room for whatever was given, so that a wrong length is told
		 * as such rather than as "too long". */
		uint8_t *b = malloc(strlen(value) / 2 + 1);
		if (!b) {
			snprintf(err, errlen, "--challenge: out of memory");
			return -ENOMEM;
		}
		int rc = vmm_parse_hex("--challenge", value, b, strlen(value) / 2 + 1, &n, err,
				       errlen);
		if (rc == 0 && n != GUEST_CHALLENGE_SIZE) {
			snprintf(err, errlen,
				 "--challenge gives %zu byte%s: a challenge is exactly %u bytes "
				 "(%u hex digits)",
				 n, n == 1 ? "" : "s", GUEST_CHALLENGE_SIZE, 2 * GUEST_CHALLENGE_SIZE);
			rc = -EINVAL;
		}
		if (rc == 0) {
			memcpy(c->challenge, b, GUEST_CHALLENGE_SIZE);
			c->challenge_given = true;
		}
		free(b);
		return rc;
	}
	case OPT_TOKEN_OUT:
		if (!*value) {
			snprintf(err, errlen, "--token-out: empty file name");
			return -EINVAL;
		}
		c->token_out = value;
		return 0;
	}
	snprintf(err, errlen, "unknown option id %d", id);
	return -EINVAL;
}

void vmm_attest_init(struct vmm_attest *a, const struct vmm_attest_config *cfg, FILE *notes)
{
	memset(a, 0, sizeof(*a));
	a->cfg = cfg;
	a->notes = notes;
}

void vmm_attest_destroy(struct vmm_attest *a)
{
	free(a->token);
	a->token = NULL;
}

int vmm_attest_challenge(struct vmm_attest *a, uint64_t out[9], char *err, size_t errlen)
{
	bool given = a->cfg && a->cfg->challenge_given;
	if (!a->challenge_ready) {
		if (given) {
			memcpy(a->challenge, a->cfg->challenge, sizeof(a->challenge));
		} else {
			/* Made up once per run, and told, so that the user can
			 * check the token against it. */
			if (getrandom(a->challenge, sizeof(a->challenge), 0) !=
			    (ssize_t)sizeof(a->challenge)) {
				snprintf(err, errlen, "no randomness for the guest's challenge: %s",
					 strerror(errno));
				return -EIO;
			}
			fprintf(a->notes, "ccakit run: no --challenge given; the guest's is ");
			for (size_t i = 0; i < sizeof(a->challenge); i++)
				fprintf(a->notes, "%02x", a->challenge[i]);
			fputc('\n', a->notes);
		}
		a->challenge_ready = true;
	}
	memset(out, 0, 9 * sizeof(out[0]));
	for (size_t i = 0; i < sizeof(a->challenge); i++)
		out[i / 8] |= (uint64_t)a->challenge[i] << (8 * (i % 8));
	out[8] = given;
	return 0;
}

/* The token to FILE: a temporary file next to it, renamed over it, so that
 * FILE is never half-written. */
static int write_token(const char *path, const uint8_t *b, size_t n, char *err, size_t errlen)
{
	size_t len = strlen(path);
	char *tmp = malloc(len + sizeof(".XXXXXX"));
	if (!tmp) {
		snprintf(err, errlen, "--token-out %s: out of memory", path);
		return -ENOMEM;
	}
	memcpy(tmp, path, len);
	memcpy(tmp + len, ".XXXXXX", sizeof(".XXXXXX"));
	int fd = mkstemp(tmp), rc = 0;
	if (fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "--token-out %s: cannot create a file next to it: %s", path,
			 strerror(errno));
		free(tmp);
		return rc;
	}
	for (size_t off = 0; off < n && rc == 0;) {
		ssize_t w = write(fd, b + off, n - off);
		if (w < 0 && errno != EINTR)
			rc = -errno;
		else if (w > 0)
			off += (size_t)w;
	}
	/* A token is public (its signatures protect it): readable by all, as
	 * a file the user made, rather than mkstemp's 0600. Not umask-based:
	 * reading the umask means changing it, which is not thread-safe. */
	if (rc == 0 && fchmod(fd, 0644) != 0)
		rc = -errno;
	if (close(fd) != 0 && rc == 0)
		rc = -errno;
	if (rc == 0 && rename(tmp, path) != 0)
		rc = -errno;
	if (rc) {
		snprintf(err, errlen, "--token-out %s: %s", path, strerror(-rc));
		unlink(tmp);
	}
	free(tmp);
	return rc;
}

/* Whether a part fits: GUEST_TOKEN_PART_OK or the error the guest gets. */
static uint64_t part_check(const struct vmm_attest *a, uint64_t offset, uint64_t total,
			   uint64_t n)
{
	if (total == 0 || total > GUEST_TOKEN_MAX)
		return GUEST_TOKEN_PART_TOO_LARGE;
	if (n == 0 || n > GUEST_TOKEN_PART_MAX)
		return GUEST_TOKEN_PART_BAD_LENGTH;
	if (offset > total || n > total - offset)
		return GUEST_TOKEN_PART_BAD_OFFSET;
	/* Not the start: the next part of the token being given. */
	if (offset != 0 && (!a->token || a->complete || total != a->total || offset != a->received))
		return GUEST_TOKEN_PART_BAD_OFFSET;
	return GUEST_TOKEN_PART_OK;
}

int vmm_attest_token_part(struct vmm_attest *a, const uint64_t in[30], uint64_t *answer,
			  char *err, size_t errlen)
{
	uint64_t offset = in[0], total = in[1], n = in[2];
	*answer = part_check(a, offset, total, n);
	if (*answer != GUEST_TOKEN_PART_OK)
		return 0;
	if (offset == 0) {
		uint8_t *t = malloc(total);
		if (!t) {
			snprintf(err, errlen, "out of memory for a %llu-byte token",
				 (unsigned long long)total);
			return -ENOMEM;
		}
		free(a->token);
		a->token = t;
		a->total = total;
		a->received = 0;
		a->complete = false;
	}
	for (uint64_t i = 0; i < n; i++)
		a->token[offset + i] = (uint8_t)(in[3 + i / 8] >> (8 * (i % 8)));
	a->received += n;
	if (a->received < a->total)
		return 0;
	a->complete = true;
	if (a->cfg && a->cfg->token_out)
		return write_token(a->cfg->token_out, a->token, a->total, err, errlen);
	return 0;
}

int vmm_attest_finish(const struct vmm_attest *a, char *err, size_t errlen)
{
	if (!a->cfg || !a->cfg->token_out || a->complete)
		return 0;
	if (a->token)
		snprintf(err, errlen,
			 "--token-out %s: the guest gave %zu of its token's %zu bytes, never all "
			 "of it; nothing written",
			 a->cfg->token_out, a->received, a->total);
	else
		snprintf(err, errlen,
			 "--token-out %s: the guest never handed over a token (host call 0x%x); "
			 "nothing written",
			 a->cfg->token_out, GUEST_HOST_CALL_TOKEN_PART);
	return -ENODATA;
}
