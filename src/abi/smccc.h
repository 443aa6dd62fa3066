/* Forwarding header: the ABI definitions are public, see include/ccakit/abi/. */
#include "ccakit/abi/smccc.h"
