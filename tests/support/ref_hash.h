/* Reference hashes for tests (OpenSSL), independent of the RMM's. */
#ifndef CCAKIT_TEST_REF_HASH_H
#define CCAKIT_TEST_REF_HASH_H

#include <stddef.h>
#include <stdint.h>

/* SHA-256 of data; 0, or -1 if the library failed. */
int ref_sha256(const void *data, size_t len, uint8_t out[32]);

#endif
