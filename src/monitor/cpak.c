/* The CPAK (CCA Platform Attestation Key), as the platform security
 * processor keeps it: an ECDSA P-384 private key loaded from a PEM file, or
 * generated into one the user keeps (so that a verifier can be given its
 * public half once), or, with no file, made for this boot alone. A real
 * platform derives it inside its security processor; ccakit's is a
 * development key, and the platform claims say so (attest.c). */
#include <errno.h>
#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "monitor/monitor.h"

/* A key file bigger than this is not a PEM key. */
#define CPAK_FILE_MAX (64 * 1024)

/* PEM_read_bio_PrivateKey's passphrase callback: an encrypted key cannot
 * be used (nobody is there to type a passphrase), and OpenSSL would
 * otherwise ask on the terminal. */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf, (void)size, (void)rwflag, (void)u;
	return -1;
}

/* What kind of key k is, for an error message: "an RSA key", "a
 * prime256v1 key". */
static void key_kind(const EVP_PKEY *k, char *out, size_t len)
{
	char group[64];
	size_t glen;
	if (EVP_PKEY_get_base_id(k) == EVP_PKEY_EC &&
	    EVP_PKEY_get_utf8_string_param(k, "group", group, sizeof(group), &glen))
		snprintf(out, len, "an EC %s key", group);
	else
		snprintf(out, len, "a %s key", EVP_PKEY_get0_type_name(k) ? EVP_PKEY_get0_type_name(k) : "non-EC");
}

static int load(struct psp *psp, const char *path, int fd, char *err, size_t errlen)
{
	const size_t cap = CPAK_FILE_MAX + 1;
	char *text = malloc(cap);
	size_t n = 0;
	ssize_t r;
	if (!text) {
		snprintf(err, errlen, "cannot read the CPAK file %s: out of memory", path);
		return -ENOMEM;
	}
	while (n < cap && (r = read(fd, text + n, cap - n)) != 0) {
		if (r < 0) {
			int e = errno;
			if (e == EINTR)
				continue;
			free(text);
			snprintf(err, errlen, "cannot read the CPAK file %s: %s", path, strerror(e));
			return -e;
		}
		n += (size_t)r;
	}
	if (n > CPAK_FILE_MAX) {
		free(text);
		snprintf(err, errlen, "the CPAK file %s is larger than %d bytes: not a PEM key", path,
			 CPAK_FILE_MAX);
		return -EINVAL;
	}
	BIO *bio = BIO_new_mem_buf(text, (int)n);
	EVP_PKEY *k = bio ? PEM_read_bio_PrivateKey(bio, NULL, no_passphrase, NULL) : NULL;
	BIO_free(bio);
	OPENSSL_cleanse(text, n);
	free(text);
	if (!k) {
		snprintf(err, errlen,
			 "the CPAK file %s holds no usable PEM private key (an encrypted key, a "
			 "public key alone or anything else is refused); give an unencrypted ECDSA "
			 "P-384 key, or a path that does not exist yet to have one made",
			 path);
		return -EINVAL;
	}
	if (!p384_is_p384(k)) {
		char kind[80];
		key_kind(k, kind, sizeof(kind));
		snprintf(err, errlen, "the CPAK file %s holds %s; the CPAK must be ECDSA P-384 "
			 "(secp384r1)", path, kind);
		EVP_PKEY_free(k);
		return -EINVAL;
	}
	psp->cpak = k;
	return 0;
}

/* mkdir -p for the directory part of path, new directories 0700. */
static int make_parents(const char *path)
{
	char dir[4096];
	if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir))
		return -ENAMETOOLONG;
	char *slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	for (char *p = dir + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;
		*p = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST)
			return -errno;
		*p = c;
		if (!c)
			return 0;
	}
}

/* Writes the len bytes at buf to fd; 0 or a negative errno. */
static int write_all(int fd, const char *buf, long len)
{
	for (long done = 0; done < len;) {
		ssize_t w = write(fd, buf + done, (size_t)(len - done));
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return w < 0 ? -errno : -EIO;
		done += w;
	}
	return 0;
}

/* A new key written to path, which must not exist. The key is written
 * whole to a temporary file beside it (mkstemp: mode 0600) and then linked
 * to path, which fails if path exists: two machines starting at once
 * cannot both install a key, and neither can read a half-written one.
 * -EEXIST: another got there first, and the caller loads theirs. */
static int create(struct psp *psp, const char *path, char *err, size_t errlen)
{
	int rc = make_parents(path);
	if (rc) {
		snprintf(err, errlen, "cannot make the directory of the CPAK file %s: %s", path,
			 strerror(-rc));
		return rc;
	}
	char tmp[4096 + 16];
	if (snprintf(tmp, sizeof(tmp), "%s.new-XXXXXX", path) >= (int)sizeof(tmp)) {
		snprintf(err, errlen, "the CPAK file name is too long: %s", path);
		return -ENAMETOOLONG;
	}
	EVP_PKEY *k = p384_generate();
	BIO *bio = BIO_new(BIO_s_secmem());
	char *pem = NULL;
	long len = 0;
	if (!k || !bio || !PEM_write_bio_PrivateKey(bio, k, NULL, NULL, 0, NULL, NULL) ||
	    (len = BIO_get_mem_data(bio, &pem)) <= 0) {
		BIO_free(bio);
		EVP_PKEY_free(k);
		snprintf(err, errlen, "cannot generate a CPAK: out of memory");
		return -ENOMEM;
	}
	int fd = mkstemp(tmp);
	if (fd < 0) {
		rc = -errno;
		BIO_free(bio);
		EVP_PKEY_free(k);
		snprintf(err, errlen, "cannot create the CPAK file %s: %s", path, strerror(-rc));
		return rc;
	}
	rc = write_all(fd, pem, len);
	if (close(fd) != 0 && rc == 0)
		rc = -errno;
	BIO_free(bio); /* secure memory: cleared as it is freed */
	if (rc == 0 && link(tmp, path) != 0)
		rc = -errno;
	unlink(tmp);
	if (rc) {
		EVP_PKEY_free(k);
		if (rc != -EEXIST)
			snprintf(err, errlen, "cannot write the CPAK file %s: %s", path,
				 strerror(-rc));
		return rc;
	}
	psp->cpak = k;
	psp->cpak_created = true;
	return 0;
}

int psp_init(struct psp *psp, const struct monitor_config *cfg, char *err, size_t errlen)
{
	memset(psp, 0, sizeof(*psp));
	pthread_mutex_init(&psp->lock, NULL);
	if (!cfg->cpak_path)
		return 0; /* made at first use: psp_cpak */
	const char *path = cfg->cpak_path;
	for (;;) {
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			int rc = load(psp, path, fd, err, errlen);
			close(fd);
			return rc;
		}
		if (errno != ENOENT || !cfg->cpak_create) {
			int rc = -errno;
			snprintf(err, errlen, "cannot open the CPAK file %s: %s", path, strerror(errno));
			return rc;
		}
		int rc = create(psp, path, err, errlen);
		if (rc != -EEXIST)
			return rc;
	}
}

cose_key *psp_cpak(struct psp *psp)
{
	if (!psp->cpak)
		psp->cpak = p384_generate();
	return psp->cpak;
}

void psp_fini(struct psp *psp)
{
	p384_free(psp->cpak);
	p384_free(psp->rak);
	psp->cpak = psp->rak = NULL;
	pthread_mutex_destroy(&psp->lock);
}
