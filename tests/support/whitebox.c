#include "whitebox.h"

#include <stdio.h>

#include "monitor/machine_internal.h"
#include "platform/platform.h"
#include "rmm/rmm.h"

void *wb_sys_ptr(struct tmach *t, uint64_t pa)
{
	struct platform *p = ccakit_machine_platform(t->m);
	assert_true(plat_is_dram(p, pa));
	return plat_sys_ptr(p, pa);
}

struct rmm *wb_rmm(struct tmach *t)
{
	return ccakit_machine_monitor(t->m)->rmm;
}

struct granule *wb_granule(struct tmach *t, uint64_t pa)
{
	return granule_at(wb_rmm(t), pa);
}

struct rd *wb_rd(struct tmach *t, uint64_t rd)
{
	return wb_sys_ptr(t, rd);
}

struct rec *wb_rec(struct tmach *t, uint64_t rec)
{
	return wb_sys_ptr(t, rec);
}

void wb_realm_set_system_off(struct tmach *t, uint64_t rd)
{
	struct rd *d = wb_rd(t, rd);
	__atomic_store_n(&d->state, REALM_SYSTEM_OFF, __ATOMIC_RELEASE);
}

void wb_rec_set_ripas_request(struct tmach *t, uint64_t rec, uint64_t base, uint64_t top,
			      enum rmi_ripas ripas, bool change_destroyed)
{
	struct rec *r = wb_rec(t, rec);
	r->ripas.addr = base;
	r->ripas.top = top;
	r->ripas.value = ripas;
	r->ripas.change_destroyed = change_destroyed;
}

uint64_t wb_rec_ripas_addr(struct tmach *t, uint64_t rec)
{
	return wb_rec(t, rec)->ripas.addr;
}

const uint8_t *wb_rim(struct tmach *t, uint64_t rd)
{
	return wb_rd(t, rd)->measurement[RIM_SLOT];
}

const char *wb_rim_hex(struct tmach *t, uint64_t rd, unsigned len, char *buf)
{
	const uint8_t *rim = wb_rim(t, rd);
	for (unsigned i = 0; i < len; i++)
		snprintf(buf + 2 * i, 3, "%02x", rim[i]);
	buf[2 * len] = '\0';
	return buf;
}

uint64_t wb_rtte(struct tmach *t, uint64_t rtt, unsigned index)
{
	const uint64_t *table = wb_sys_ptr(t, rtt);
	return table[index];
}
