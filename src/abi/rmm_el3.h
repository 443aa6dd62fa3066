/* Forwarding header: the ABI definitions are public, see include/ccakit/abi/. */
#include "ccakit/abi/rmm_el3.h"
