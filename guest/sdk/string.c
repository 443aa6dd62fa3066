/* memcpy and friends, freestanding. Built with
 * -fno-tree-loop-distribute-patterns so that the compiler does not turn these
 * loops back into calls to themselves. With the MMU off all memory is Device
 * memory, where an unaligned access faults: the word loops run only when
 * every access is aligned (and -mstrict-align keeps the compiler honest). */
#include <stdint.h>

#include "guest/string.h"

static int aligned8(const void *a, const void *b, size_t n)
{
	return (((uintptr_t)a | (uintptr_t)b | n) & 7) == 0;
}

void *memcpy(void *dst, const void *src, size_t n)
{
	if (aligned8(dst, src, n)) {
		uint64_t *d = dst;
		const uint64_t *s = src;
		for (size_t i = 0; i < n / 8; i++)
			d[i] = s[i];
	} else {
		uint8_t *d = dst;
		const uint8_t *s = src;
		for (size_t i = 0; i < n; i++)
			d[i] = s[i];
	}
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;
	if (d == s || n == 0)
		return dst;
	if (d < s || d >= s + n)
		return memcpy(dst, src, n);
	/* Overlapping with dst above src: copy backwards. */
	while (n--)
		d[n] = s[n];
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	if (aligned8(dst, dst, n)) {
		uint64_t v = (uint8_t)c * UINT64_C(0x0101010101010101);
		uint64_t *d = dst;
		for (size_t i = 0; i < n / 8; i++)
			d[i] = v;
	} else {
		uint8_t *d = dst;
		for (size_t i = 0; i < n; i++)
			d[i] = (uint8_t)c;
	}
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const uint8_t *x = a, *y = b;
	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return x[i] < y[i] ? -1 : 1;
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			return 0;
	}
	return 0;
}
