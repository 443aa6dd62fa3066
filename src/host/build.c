/* A whole realm from a layout: the RMI steps as data (host_build_plan), in
 * the order reference-measurement tools assume, and their execution
 * (host_realm_build). `ccakit measure` replays the same steps to predict the
 * RIM, so anything that changes what is measured changes here, once. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/host_internal.h"

static int image_by_ipa(const void *a, const void *b)
{
	const struct host_image *x = *(const struct host_image *const *)a;
	const struct host_image *y = *(const struct host_image *const *)b;
	return x->ipa < y->ipa ? -1 : x->ipa > y->ipa;
}

void host_build_plan_free(struct host_build_plan *plan)
{
	free(plan->steps);
	plan->steps = NULL;
	plan->nsteps = 0;
}

static struct host_build_step *step(struct host_build_plan *plan, enum host_build_op op)
{
	struct host_build_step *s = &plan->steps[plan->nsteps++];
	memset(s, 0, sizeof(*s));
	s->op = op;
	return s;
}

int host_build_plan(const struct host_realm_layout *l, struct host_build_plan *plan, char *err,
		    size_t errlen)
{
	memset(plan, 0, sizeof(*plan));
	if (l->nrecs == 0) {
		snprintf(err, errlen, "a realm needs at least one REC");
		return -EINVAL;
	}
	uint64_t ram_top = l->ram.ipa + l->ram.len;
	if (l->ram.len && ((l->ram.ipa | l->ram.len) & GRANULE_MASK || ram_top < l->ram.ipa)) {
		snprintf(err, errlen, "RAM at IPA 0x%llx, %llu bytes: not a granule-aligned range",
			 (unsigned long long)l->ram.ipa, (unsigned long long)l->ram.len);
		return -EINVAL;
	}
	/* REALM_CREATE, at most three RIPAS runs (pages up to the first block
	 * boundary, blocks, pages after the last), the DATA, the RECs. */
	size_t cap = 1 + 3 + l->nimages + l->nunknown + l->nrecs;
	const struct host_image **order = calloc(l->nimages + 1, sizeof(*order));
	plan->steps = calloc(cap, sizeof(*plan->steps));
	if (!order || !plan->steps) {
		free(order);
		host_build_plan_free(plan);
		snprintf(err, errlen, "out of host memory planning the realm");
		return -ENOMEM;
	}

	step(plan, HOST_BUILD_REALM_CREATE);
	/* RIPAS first: reference tools measure the RAM before its contents. */
	for (uint64_t base = l->ram.ipa; base < ram_top;) {
		struct host_build_step *s = step(plan, HOST_BUILD_INIT_RIPAS);
		uint64_t end = host_ripas_run(base, ram_top, &s->level);
		s->region = (struct host_region){ .ipa = base, .len = end - base };
		base = end;
	}
	/* DATA in ascending IPA, whatever order the images came in: the RIM is
	 * a hash chain, and that is the order reference tools replay. */
	for (size_t i = 0; i < l->nimages; i++)
		order[i] = &l->images[i];
	qsort(order, l->nimages, sizeof(*order), image_by_ipa);
	for (size_t i = 0; i < l->nimages; i++)
		step(plan, HOST_BUILD_DATA)->image = order[i];
	free(order);
	for (size_t i = 0; i < l->nunknown; i++)
		step(plan, HOST_BUILD_DATA_UNKNOWN)->region = l->unknown[i];
	/* Only REC 0 starts runnable (and is measured); the others wait for
	 * PSCI CPU_ON, as kvmtool and QEMU build realms. */
	for (unsigned i = 0; i < l->nrecs; i++) {
		struct host_build_step *s = step(plan, HOST_BUILD_REC_CREATE);
		s->rec = i;
		s->runnable = i == 0;
		if (i == 0) {
			s->pc = l->pc;
			memcpy(s->gprs, l->gprs, sizeof(s->gprs));
		}
	}
	return 0;
}

static int build_step(struct host *h, struct host_realm *r, const struct host_build_step *s)
{
	switch (s->op) {
	case HOST_BUILD_REALM_CREATE:
		return 0; /* done by host_realm_create, which makes r */
	case HOST_BUILD_INIT_RIPAS:
		return host_init_ripas_entries(h, r, s->region.ipa, s->region.ipa + s->region.len,
					       s->level);
	case HOST_BUILD_DATA:
		return host_data_create(h, r, s->image->ipa, s->image->data, s->image->len,
					s->image->measure);
	case HOST_BUILD_DATA_UNKNOWN:
		return host_data_create_unknown(h, r, s->region.ipa, s->region.len);
	case HOST_BUILD_REC_CREATE:
		if (s->rec != r->nrecs)
			return host_fail(h, -EPROTO, "REC %u planned after %zu RECs", s->rec,
					 r->nrecs);
		return host_rec_create(h, r, s->runnable, s->pc, s->gprs);
	}
	return host_fail(h, -EINVAL, "unknown build step %d", (int)s->op);
}

int host_realm_build(struct host *h, const struct host_realm_layout *l, struct host_realm **out)
{
	struct host_build_plan plan;
	struct host_realm *r;
	*out = NULL;
	int rc = host_build_plan(l, &plan, h->err, sizeof(h->err));
	if (rc)
		return rc;
	rc = host_realm_create(h, &l->realm, &r);
	for (size_t i = 0; rc == 0 && i < plan.nsteps; i++)
		rc = build_step(h, r, &plan.steps[i]);
	host_build_plan_free(&plan);
	if (rc && r) {
		struct host_saved_error e;
		host_error_save(h, &e);
		host_realm_destroy(h, r);
		host_error_restore(h, &e);
		return rc;
	}
	if (rc == 0)
		*out = r;
	return rc;
}
