/* An independent SHA-256 (OpenSSL's EVP, not the RMM's code path) for tests
 * that recompute measurements. Kept apart from harness.h: OpenSSL's headers
 * bring in <time.h>, whose struct tmach would clash with the harness's. */
#include <openssl/evp.h>
#include <stddef.h>
#include <stdint.h>

#include "ref_hash.h"

int ref_sha256(const void *data, size_t len, uint8_t out[32])
{
	unsigned int n = 0;
	if (EVP_Digest(data, len, out, &n, EVP_sha256(), NULL) != 1 || n != 32)
		return -1;
	return 0;
}
