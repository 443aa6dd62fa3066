#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct tmach *tm_create_cfg(const struct ccakit_machine_config *cfg)
{
	struct tmach *t = calloc(1, sizeof(*t));
	char err[256];
	assert_non_null(t);
	if (ccakit_machine_create(cfg, &t->m, err, sizeof(err)) != 0)
		fail_msg("machine: %s", err);
	ccakit_memory_map(t->m, &t->map);
	t->next = t->map.dram.base;
	t->limit = t->map.secure.base;
	return t;
}

struct tmach *tm_create(uint64_t dram_size, unsigned pe_count)
{
	struct ccakit_machine_config cfg = { .dram_size = dram_size, .pe_count = pe_count };
	return tm_create_cfg(&cfg);
}

void tm_destroy(struct tmach *t)
{
	ccakit_machine_destroy(t->m);
	free(t);
}

static uint64_t rmi_va(struct tmach *t, unsigned pe, struct rmi_out *out, uint32_t fid,
		       unsigned nargs, va_list ap)
{
	struct ccakit_smc_regs r = { .x = { fid } };
	for (unsigned i = 0; i < nargs; i++)
		r.x[1 + i] = va_arg(ap, uint64_t);
	assert_int_equal(ccakit_smc(t->m, pe, &r), 0);
	if (out) {
		out->x0 = r.x[0];
		memcpy(out->x, &r.x[1], sizeof(out->x));
	}
	return r.x[0];
}

uint64_t rmi(struct tmach *t, uint32_t fid, unsigned nargs, ...)
{
	va_list ap;
	va_start(ap, nargs);
	uint64_t x0 = rmi_va(t, 0, NULL, fid, nargs, ap);
	va_end(ap);
	return x0;
}

uint64_t rmi_res(struct tmach *t, struct rmi_out *out, uint32_t fid, unsigned nargs, ...)
{
	va_list ap;
	va_start(ap, nargs);
	uint64_t x0 = rmi_va(t, 0, out, fid, nargs, ap);
	va_end(ap);
	return x0;
}

uint64_t rmi_pe(struct tmach *t, unsigned pe, struct rmi_out *out, uint32_t fid, unsigned nargs, ...)
{
	va_list ap;
	va_start(ap, nargs);
	uint64_t x0 = rmi_va(t, pe, out, fid, nargs, ap);
	va_end(ap);
	return x0;
}

uint64_t tm_granule(struct tmach *t)
{
	if (t->next >= t->limit)
		fail_msg("test machine out of granules");
	uint64_t pa = t->next;
	t->next += GRANULE_SIZE;
	memset(tm_ptr(t, pa), 0, GRANULE_SIZE);
	return pa;
}

uint64_t tm_delegated(struct tmach *t)
{
	uint64_t pa = tm_granule(t);
	assert_rmi(rmi(t, RMI_GRANULE_DELEGATE, 1, pa), RMI_SUCCESS, 0);
	return pa;
}

uint64_t tm_realm_params(struct tmach *t, struct trealm *r, unsigned s2sz, int level_start,
			 unsigned hash_algo, uint16_t vmid)
{
	unsigned single = 9u * (unsigned)(3 - level_start) + 12 + 9;
	unsigned num = s2sz <= single ? 1 : 1u << (s2sz - single);

	memset(r, 0, sizeof(*r));
	r->s2sz = s2sz;
	r->level_start = level_start;
	r->rtt_num_start = num;
	/* Start tables are contiguous and aligned to their total size:
	 * delegate them in a row. */
	while (t->next & ((uint64_t)num * GRANULE_SIZE - 1))
		tm_granule(t);
	r->rtt_base = tm_delegated(t);
	for (unsigned i = 1; i < num; i++)
		tm_delegated(t);
	r->params = tm_granule(t);
	struct rmi_realm_params *p = tm_ptr(t, r->params);
	p->s2sz = (uint8_t)s2sz;
	p->num_bps = 1;
	p->num_wps = 1;
	p->hash_algo = (uint8_t)hash_algo;
	p->vmid = vmid;
	p->rtt_base = r->rtt_base;
	p->rtt_level_start = level_start;
	p->rtt_num_start = num;
	return r->params;
}

void tm_realm_create(struct tmach *t, struct trealm *r, unsigned s2sz, int level_start,
		     uint16_t vmid)
{
	if (!s2sz) {
		s2sz = 40;
		level_start = 1;
	}
	tm_realm_params(t, r, s2sz, level_start, RMI_HASH_SHA_256, vmid);
	r->rd = tm_delegated(t);
	assert_rmi(rmi(t, RMI_REALM_CREATE, 2, r->rd, r->params), RMI_SUCCESS, 0);
}

void tm_realm_activate(struct tmach *t, uint64_t rd)
{
	assert_rmi(rmi(t, RMI_REALM_ACTIVATE, 1, rd), RMI_SUCCESS, 0);
}

void tm_rtt_map_to(struct tmach *t, struct trealm *r, uint64_t ipa, int level)
{
	for (int l = r->level_start + 1; l <= level; l++) {
		uint64_t size = UINT64_C(1) << (12 + 9 * (3 - (l - 1)));
		uint64_t base = ipa & ~(size - 1);
		struct rmi_out o;
		rmi_res(t, &o, RMI_RTT_READ_ENTRY, 3, r->rd, base, (uint64_t)(l - 1));
		if (o.x[0] == (uint64_t)(l - 1) && o.x[1] == RMI_TABLE)
			continue;
		uint64_t rtt = tm_delegated(t);
		assert_rmi(rmi(t, RMI_RTT_CREATE, 4, r->rd, rtt, base, (uint64_t)l), RMI_SUCCESS, 0);
		assert_true(r->nrtts < sizeof(r->rtts) / sizeof(r->rtts[0]));
		r->rtts[r->nrtts].ipa = base;
		r->rtts[r->nrtts].pa = rtt;
		r->rtts[r->nrtts].level = l;
		r->nrtts++;
	}
}

uint64_t tm_rec_create(struct tmach *t, struct trealm *r, uint64_t mpidr, uint64_t flags,
		       uint64_t *aux_out)
{
	return tm_rec_create_at(t, r, mpidr, flags, 0, NULL, aux_out);
}

uint64_t tm_rec_create_at(struct tmach *t, struct trealm *r, uint64_t mpidr, uint64_t flags,
			  uint64_t pc, const uint64_t gprs[8], uint64_t *aux_out)
{
	struct rmi_out o;
	assert_rmi(rmi_res(t, &o, RMI_REC_AUX_COUNT, 1, r->rd), RMI_SUCCESS, 0);
	uint64_t params = tm_granule(t);
	struct rmi_rec_params *p = tm_ptr(t, params);
	p->flags = flags;
	p->mpidr = mpidr;
	p->pc = pc;
	if (gprs)
		memcpy(p->gprs, gprs, sizeof(p->gprs));
	p->num_aux = o.x[0];
	assert_true(r->nrecs < 8);
	for (unsigned i = 0; i < o.x[0]; i++) {
		p->aux[i] = tm_delegated(t);
		r->rec_aux[r->nrecs][i] = p->aux[i];
		if (aux_out)
			aux_out[i] = p->aux[i];
	}
	uint64_t rec = tm_delegated(t);
	assert_rmi(rmi(t, RMI_REC_CREATE, 3, r->rd, rec, params), RMI_SUCCESS, 0);
	r->recs[r->nrecs++] = rec;
	return rec;
}

uint64_t tm_rec_params(struct tmach *t, uint64_t mpidr, uint64_t flags, uint64_t *aux_out)
{
	uint64_t params = tm_granule(t);
	struct rmi_rec_params *p = tm_ptr(t, params);
	p->flags = flags;
	p->mpidr = mpidr;
	p->num_aux = RMI_MAX_REC_AUX_GRANULES;
	for (unsigned i = 0; i < RMI_MAX_REC_AUX_GRANULES; i++) {
		p->aux[i] = tm_delegated(t);
		if (aux_out)
			aux_out[i] = p->aux[i];
	}
	return params;
}

uint64_t tm_data_create(struct tmach *t, struct trealm *r, uint64_t ipa)
{
	uint64_t src = tm_granule(t);
	uint64_t data = tm_delegated(t);
	assert_rmi(rmi(t, RMI_DATA_CREATE, 5, r->rd, data, ipa, src, (uint64_t)RMI_MEASURE_CONTENT),
		   RMI_SUCCESS, 0);
	tm_realm_track_data(r, ipa, data);
	return data;
}

uint64_t tm_data_page(struct tmach *t, struct trealm *r, uint64_t ipa, const void *content)
{
	uint64_t src = tm_granule(t);
	memcpy(tm_ptr(t, src), content, GRANULE_SIZE);
	tm_rtt_map_to(t, r, ipa, 3);
	assert_rmi(rmi(t, RMI_RTT_INIT_RIPAS, 3, r->rd, ipa, ipa + GRANULE_SIZE), RMI_SUCCESS, 0);
	uint64_t data = tm_delegated(t);
	assert_rmi(rmi(t, RMI_DATA_CREATE, 5, r->rd, data, ipa, src, (uint64_t)RMI_MEASURE_CONTENT),
		   RMI_SUCCESS, 0);
	tm_realm_track_data(r, ipa, data);
	return data;
}

uint64_t tm_code_page(struct tmach *t, struct trealm *r, uint64_t ipa, const uint32_t *insns,
		      unsigned n)
{
	uint32_t code[GRANULE_SIZE / 4];
	assert_true(n <= GRANULE_SIZE / 4);
	for (unsigned i = 0; i < GRANULE_SIZE / 4; i++)
		code[i] = i < n ? insns[i] : A64_WFI;
	return tm_data_page(t, r, ipa, code);
}

void tm_run_prepare(struct tmach *t, uint64_t run, uint64_t flags)
{
	struct rmi_rec_run *r = tm_ptr(t, run);
	memset(&r->enter, 0, sizeof(r->enter));
	r->enter.flags = flags;
}

void tm_realm_track_data(struct trealm *r, uint64_t ipa, uint64_t data)
{
	assert_true(r->ndata < ARRAY_SIZE(r->data_pa));
	r->data_ipa[r->ndata] = ipa;
	r->data_pa[r->ndata] = data;
	r->ndata++;
}

void tm_realm_track_rec(struct trealm *r, uint64_t rec, const uint64_t aux[RMI_MAX_REC_AUX_GRANULES])
{
	assert_true(r->nrecs < ARRAY_SIZE(r->recs));
	r->recs[r->nrecs] = rec;
	memcpy(r->rec_aux[r->nrecs], aux, sizeof(r->rec_aux[r->nrecs]));
	r->nrecs++;
}

uint64_t tm_realm_untrack_data(struct trealm *r, uint64_t ipa)
{
	for (unsigned i = 0; i < r->ndata; i++) {
		if (r->data_ipa[i] != ipa)
			continue;
		uint64_t pa = r->data_pa[i];
		r->ndata--;
		r->data_ipa[i] = r->data_ipa[r->ndata];
		r->data_pa[i] = r->data_pa[r->ndata];
		return pa;
	}
	fail_msg("no DATA granule tracked at IPA 0x%llx", (unsigned long long)ipa);
	return 0;
}

void tm_ripas_destroyed(struct tmach *t, struct trealm *r, uint64_t ipa)
{
	tm_data_create(t, r, ipa);
	assert_rmi(rmi(t, RMI_DATA_DESTROY, 2, r->rd, ipa), RMI_SUCCESS, 0);
	r->ndata--;
}

void tm_realm_teardown(struct tmach *t, struct trealm *r)
{
	struct rmi_out o;
	for (unsigned i = 0; i < r->nrecs; i++) {
		assert_rmi(rmi(t, RMI_REC_DESTROY, 1, r->recs[i]), RMI_SUCCESS, 0);
		assert_rmi(rmi(t, RMI_GRANULE_UNDELEGATE, 1, r->recs[i]), RMI_SUCCESS, 0);
		for (unsigned a = 0; a < RMI_MAX_REC_AUX_GRANULES && r->rec_aux[i][a]; a++)
			assert_rmi(rmi(t, RMI_GRANULE_UNDELEGATE, 1, r->rec_aux[i][a]), RMI_SUCCESS, 0);
	}
	for (unsigned i = 0; i < r->ndata; i++) {
		assert_rmi(rmi_res(t, &o, RMI_DATA_DESTROY, 2, r->rd, r->data_ipa[i]), RMI_SUCCESS, 0);
		assert_int_equal(o.x[0], r->data_pa[i]);
		assert_rmi(rmi(t, RMI_GRANULE_UNDELEGATE, 1, r->data_pa[i]), RMI_SUCCESS, 0);
	}
	for (unsigned i = r->nrtts; i-- > 0;) {
		assert_rmi(rmi_res(t, &o, RMI_RTT_DESTROY, 3, r->rd, r->rtts[i].ipa,
				   (uint64_t)r->rtts[i].level),
			   RMI_SUCCESS, 0);
		assert_int_equal(o.x[0], r->rtts[i].pa);
		assert_rmi(rmi(t, RMI_GRANULE_UNDELEGATE, 1, r->rtts[i].pa), RMI_SUCCESS, 0);
	}
	assert_rmi(rmi(t, RMI_REALM_DESTROY, 1, r->rd), RMI_SUCCESS, 0);
	assert_rmi(rmi(t, RMI_GRANULE_UNDELEGATE, 1, r->rd), RMI_SUCCESS, 0);
	for (unsigned i = 0; i < r->rtt_num_start; i++)
		assert_rmi(rmi(t, RMI_GRANULE_UNDELEGATE, 1, r->rtt_base + i * GRANULE_SIZE),
			   RMI_SUCCESS, 0);
	r->nrecs = r->ndata = r->nrtts = 0;
}

void tm_states_create(struct tmach *t, struct tm_states *s, uint16_t vmid)
{
	memset(s, 0, sizeof(*s));
	tm_realm_create(t, &s->r, 40, 1, vmid);
	tm_rtt_map_to(t, &s->r, 0, 3);
	s->rd = s->r.rd;
	s->rtt = s->r.rtt_base;
	s->rtt3 = s->r.rtts[s->r.nrtts - 1].pa;
	s->data = tm_data_create(t, &s->r, 0);
	s->rec = tm_rec_create(t, &s->r, 0, RMI_REC_FLAG_RUNNABLE, NULL);
	s->rec_aux = s->r.rec_aux[0][0];
	s->undelegated = tm_granule(t);
	s->delegated = tm_delegated(t);
}
