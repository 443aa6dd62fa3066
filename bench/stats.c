/* Order statistics of repeated runs: median, 10th and 90th percentiles
 * (linear interpolation between closest ranks). */
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"

void samples_add(struct samples *s, double v)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 64;
		s->v = realloc(s->v, s->cap * sizeof(*s->v));
		if (!s->v) {
			fprintf(stderr, "ccakit-bench: out of memory\n");
			exit(1);
		}
	}
	s->v[s->n++] = v;
}

void samples_free(struct samples *s)
{
	free(s->v);
	*s = (struct samples){ 0 };
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double quantile(const double *v, size_t n, double q)
{
	double pos = q * (double)(n - 1);
	size_t lo = (size_t)pos;
	double frac = pos - (double)lo;
	return lo + 1 < n ? v[lo] + frac * (v[lo + 1] - v[lo]) : v[lo];
}

struct summary summarize(struct samples *s)
{
	struct summary r = { .n = s->n };
	if (!s->n)
		return r;
	qsort(s->v, s->n, sizeof(*s->v), by_value);
	r.median = quantile(s->v, s->n, 0.5);
	r.p10 = quantile(s->v, s->n, 0.1);
	r.p90 = quantile(s->v, s->n, 0.9);
	return r;
}
