/* Reference values as refvals.c reads them and appraise.c compares them. */
#ifndef CCAKIT_VERIFIER_REFVALS_H
#define CCAKIT_VERIFIER_REFVALS_H

#include "verifier/verifier.h"

struct rv_component {
	const char *type; /* NULL: any */
	struct ccakit_bytes measurement;
	struct ccakit_bytes signer_id; /* ptr NULL: any */
	const char *version;	       /* NULL: any */
};

struct rv_platform {
	struct ccakit_bytes implementation_id;
	struct ccakit_bytes config; /* ptr NULL: any */
	struct rv_component *components;
	size_t component_count;
};

struct rv_realm {
	struct ccakit_bytes rim;
	struct ccakit_bytes rem[CCA_REALM_REM_COUNT];
	struct ccakit_bytes rpv;   /* ptr NULL: any */
	const char *rak_hash_algo; /* NULL: any */
};

struct ccakit_refvals {
	struct rv_platform *platform;
	size_t platform_count;
	struct rv_realm *realm;
	size_t realm_count;
	struct arena arena;
};

#endif
