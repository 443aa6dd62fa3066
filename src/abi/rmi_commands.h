/* The RMI 1.0 commands, one line each: the single list that the RMM's
 * dispatch table and every decoder (traces, the embedding API) expand.
 *
 * X(NAME, handler suffix, (arguments in X1.., ), (results in X1.., ))
 * Argument and result counts are derived from the lists. */
#ifndef CCAKIT_ABI_RMI_COMMANDS_H
#define CCAKIT_ABI_RMI_COMMANDS_H

#define RMI_COMMANDS(X)                                                                     \
	X(VERSION, version, ("req", ), ("lower", "higher", ))                               \
	X(GRANULE_DELEGATE, granule_delegate, ("addr", ), ())                               \
	X(GRANULE_UNDELEGATE, granule_undelegate, ("addr", ), ())                           \
	X(DATA_CREATE, data_create, ("rd", "data", "ipa", "src", "flags", ), ())            \
	X(DATA_CREATE_UNKNOWN, data_create_unknown, ("rd", "data", "ipa", ), ())            \
	X(DATA_DESTROY, data_destroy, ("rd", "ipa", ), ("data", "top", ))                   \
	X(REALM_ACTIVATE, realm_activate, ("rd", ), ())                                     \
	X(REALM_CREATE, realm_create, ("rd", "params_ptr", ), ())                           \
	X(REALM_DESTROY, realm_destroy, ("rd", ), ())                                       \
	X(REC_CREATE, rec_create, ("rd", "rec", "params_ptr", ), ())                        \
	X(REC_DESTROY, rec_destroy, ("rec", ), ())                                          \
	X(REC_ENTER, rec_enter, ("rec", "run_ptr", ), ())                                   \
	X(RTT_CREATE, rtt_create, ("rd", "rtt", "ipa", "level", ), ())                      \
	X(RTT_DESTROY, rtt_destroy, ("rd", "ipa", "level", ), ("rtt", "top", ))             \
	X(RTT_MAP_UNPROTECTED, rtt_map_unprotected, ("rd", "ipa", "level", "desc", ), ())   \
	X(RTT_READ_ENTRY, rtt_read_entry, ("rd", "ipa", "level", ),                         \
	  ("walk_level", "state", "desc", "ripas", ))                                       \
	X(RTT_UNMAP_UNPROTECTED, rtt_unmap_unprotected, ("rd", "ipa", "level", ), ("top", )) \
	X(PSCI_COMPLETE, psci_complete, ("calling_rec", "target_rec", "status", ), ())      \
	X(FEATURES, features, ("index", ), ("value", ))                                     \
	X(RTT_FOLD, rtt_fold, ("rd", "ipa", "level", ), ("rtt", ))                          \
	X(REC_AUX_COUNT, rec_aux_count, ("rd", ), ("aux_count", ))                          \
	X(RTT_INIT_RIPAS, rtt_init_ripas, ("rd", "base", "top", ), ("out_top", ))           \
	X(RTT_SET_RIPAS, rtt_set_ripas, ("rd", "rec", "base", "top", ), ("out_top", ))

#define RMI_LIST_EXPAND(...) __VA_ARGS__
/* { "a", "b", NULL } from ("a", "b", ) */
#define RMI_NAME_ARRAY(list) { RMI_LIST_EXPAND list NULL }
#define RMI_LIST_COUNT(list)                                                                \
	(sizeof((const char *[])RMI_NAME_ARRAY(list)) / sizeof(const char *) - 1)

#define RMI_MAX_ARGS 5
#define RMI_MAX_RESULTS 4

#endif
