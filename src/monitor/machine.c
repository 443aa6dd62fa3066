/* The embedding API (include/ccakit/machine.h): power on the hardware, boot
 * the monitor (which boots the RMM), and give the caller the normal world. */
#include <assert.h>
#include <errno.h>
#include <openssl/bio.h>
#include <openssl/pem.h>
#include <stdlib.h>
#include <string.h>

#include "ccakit/machine.h"
#include "monitor/machine_internal.h"

struct ccakit_machine {
	struct platform *plat;
	struct monitor *mon;
};

int ccakit_machine_create(const struct ccakit_machine_config *cfg, struct ccakit_machine **out,
			  char *err, size_t errlen)
{
	struct platform_config pcfg = {
		.dram_size = cfg->dram_size,
		.pe_count = cfg->pe_count,
		.vmid_bits = cfg->vmid_bits,
		.max_view_maps = cfg->max_view_maps,
		.rsi_trace = cfg->rsi_trace,
		.rsi_trace_ctx = cfg->rsi_trace_ctx,
	};
	const struct monitor_config mcfg = {
		.cpak_path = cfg->cpak_path,
		.cpak_create = cfg->cpak_create,
		.token_cmw = cfg->token_cmw,
	};
	struct ccakit_machine *m = calloc(1, sizeof(*m));
	int rc;

	*out = NULL;
	if (!m)
		return -ENOMEM;
	rc = platform_create(&pcfg, &m->plat, err, errlen);
	if (rc == 0) {
		/* -1: out of memory; else an errno from the CPAK file. */
		rc = monitor_boot(m->plat, &mcfg, &m->mon, err, errlen);
		if (rc == -1)
			rc = -ENOMEM;
	}
	if (rc != 0) {
		platform_destroy(m->plat);
		free(m);
		return rc;
	}
	*out = m;
	return 0;
}

void ccakit_machine_destroy(struct ccakit_machine *m)
{
	if (!m)
		return;
	monitor_shutdown(m->mon);
	platform_destroy(m->plat);
	free(m);
}

int ccakit_smc(struct ccakit_machine *m, unsigned pe, struct ccakit_smc_regs *regs)
{
	static_assert(sizeof(struct ccakit_smc_regs) == sizeof(struct smc_regs), "X0..X17");
	if (pe >= m->plat->pe_count)
		return -EINVAL;
	if (!plat_pe_enter(m->plat, pe))
		return -EBUSY;
	monitor_smc(m->mon, WORLD_NS, pe, (struct smc_regs *)regs);
	plat_pe_leave(m->plat, pe);
	return 0;
}

void *ccakit_pa_to_ptr(struct ccakit_machine *m, uint64_t pa)
{
	if (!plat_is_dram(m->plat, pa))
		return NULL;
	return m->plat->nw_view + (pa - m->plat->dram_base);
}

enum ccakit_pas ccakit_pas_of(struct ccakit_machine *m, uint64_t pa)
{
	return (enum ccakit_pas)plat_pas_of(m->plat, pa);
}

const char *ccakit_pas_name(enum ccakit_pas pas)
{
	return pas_name((enum pas)pas);
}

void ccakit_memory_map(struct ccakit_machine *m, struct ccakit_memory_map *out)
{
	out->dram = (struct ccakit_region){ m->plat->dram_base, m->plat->dram_size };
	out->mmio = (struct ccakit_region){ PLAT_MMIO_BASE, PLAT_MMIO_SIZE };
	out->uart = (struct ccakit_region){ PLAT_UART_BASE, GRANULE_SIZE };
	out->secure = (struct ccakit_region){ m->mon->secure_base, m->mon->secure_size };
	out->root = (struct ccakit_region){ m->mon->root_base, m->mon->root_size };
	out->pa_bits = PLAT_PA_BITS;
}

bool ccakit_nw_guard(struct ccakit_machine *m, void (*fn)(void *arg), void *arg,
		     struct ccakit_gpf *gpf)
{
	struct plat_gpf f;
	if (!plat_nw_guard(m->plat, fn, arg, &f))
		return false;
	gpf->pa = f.pa;
	gpf->pas = (enum ccakit_pas)f.pas;
	gpf->write = f.write;
	return true;
}

bool ccakit_machine_cpak_created(struct ccakit_machine *m)
{
	return m->mon->psp.cpak_created;
}

int ccakit_machine_cpak_public_pem(struct ccakit_machine *m, char *buf, size_t len)
{
	struct psp *psp = &m->mon->psp;
	pthread_mutex_lock(&psp->lock);
	const cose_key *cpak = psp_cpak(psp);
	BIO *bio = BIO_new(BIO_s_mem());
	char *pem;
	long n = -1;
	if (cpak && bio && PEM_write_bio_PUBKEY(bio, (EVP_PKEY *)cpak))
		n = BIO_get_mem_data(bio, &pem);
	pthread_mutex_unlock(&psp->lock);
	int rc;
	if (n <= 0)
		rc = -ENOMEM;
	else if ((size_t)n >= len)
		rc = -ENOSPC;
	else {
		memcpy(buf, pem, (size_t)n);
		buf[n] = '\0';
		rc = (int)n;
	}
	BIO_free(bio);
	return rc;
}

void ccakit_implementation_id(uint8_t out[32])
{
	static const char name[] = CCAKIT_IMPLEMENTATION_NAME;
	cose_sha256(name, sizeof(name) - 1, out);
}

struct platform *ccakit_machine_platform(struct ccakit_machine *m)
{
	return m->plat;
}

struct monitor *ccakit_machine_monitor(struct ccakit_machine *m)
{
	return m->mon;
}
