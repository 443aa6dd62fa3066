/* Appraisal against reference values in the rust-ccatoken / Trustee JSON:
 * the fixtures match their own reference values, and a value changed in
 * the reference is named in the result and in the reason. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "token_fixtures.h"

static char err[512];

static struct ccakit_refvals *refvals_from(json_t *j)
{
	char *s = json_dumps(j, 0);
	struct ccakit_refvals *rv;
	int rc = ccakit_refvals_parse(s, strlen(s), &rv, err, sizeof(err));
	if (rc)
		fail_msg("reference values refused: %s", err);
	free(s);
	return rv;
}

static json_t *refvals_json(const char *rel)
{
	json_error_t jerr;
	json_t *j = json_load_file(fixture_path(rel), 0, &jerr);
	assert_non_null(j);
	return j;
}

static int appraise(const char *token, struct ccakit_refvals *rv, struct ccakit_appraisal **a)
{
	struct ccakit_token *t = fixture_token(token);
	err[0] = '\0';
	int rc = ccakit_token_appraise(t, rv, a, err, sizeof(err));
	ccakit_token_free(t);
	return rc;
}

static struct ccakit_refvals *fixture_refvals(const char *rel)
{
	struct ccakit_refvals *rv;
	if (ccakit_refvals_load(fixture_path(rel), &rv, err, sizeof(err)))
		fail_msg("%s: %s", rel, err);
	return rv;
}

/* Appraises the token against reference values given as JSON. */
static int appraise_json(const char *token, json_t *j, struct ccakit_appraisal **a)
{
	struct ccakit_refvals *rv = refvals_from(j);
	int rc = appraise(token, rv, a);
	ccakit_refvals_free(rv);
	json_decref(j);
	return rc;
}

static const struct ccakit_appraisal_item *item(const struct ccakit_appraisal_part *p,
						const char *claim)
{
	for (size_t i = 0; i < p->item_count; i++)
		if (!strcmp(p->items[i].claim, claim))
			return &p->items[i];
	fail_msg("no comparison of %s", claim);
	static const struct ccakit_appraisal_item none; /* not reached */
	return &none;
}

static void trustee_token_matches_rvstore(void **state)
{
	(void)state;
	struct ccakit_refvals *rv = fixture_refvals("trustee/rvstore.json");
	struct ccakit_appraisal *a;
	assert_int_equal(appraise("trustee/cca-example-token.cbor", rv, &a), 0);
	assert_true(a->platform.appraised && a->platform.matched);
	assert_true(a->realm.appraised && a->realm.matched);
	assert_int_equal(a->platform.entry, 0);
	assert_int_equal(a->realm.entry, 0);
	/* implementation id, configuration, 13 components. */
	assert_int_equal(a->platform.item_count, 15);
	/* RIM, 4 REMs, RPV, RAK hash algorithm. */
	assert_int_equal(a->realm.item_count, 7);
	assert_true(item(&a->realm, "realm RIM")->matched);
	assert_true(item(&a->realm, "realm RAK hash algorithm")->matched);
	assert_true(item(&a->platform, "platform sw component 8 (RMM)")->matched);
	ccakit_appraisal_free(a);
	ccakit_refvals_free(rv);
}

static void cca_token_01_matches_rv_json(void **state)
{
	(void)state;
	/* rv.json spells hex in upper case; its second platform entry is the
	 * token's. */
	struct ccakit_refvals *rv = fixture_refvals("rust-ccatoken/rv.json");
	struct ccakit_appraisal *a;
	assert_int_equal(appraise("rust-ccatoken/cca-token-01.cbor", rv, &a), 0);
	assert_int_equal(a->platform.entry, 1);
	assert_true(a->realm.matched);
	ccakit_appraisal_free(a);
	ccakit_refvals_free(rv);
}

static void appraise_names_a_changed_rim(void **state)
{
	(void)state;
	json_t *j = refvals_json("trustee/rvstore.json");
	json_t *realm = json_array_get(json_object_get(j, "realm"), 0);
	char rim[129];
	snprintf(rim, sizeof(rim), "%s",
		 json_string_value(json_object_get(realm, "initial-measurement")));
	rim[127] = rim[127] == '0' ? '1' : '0';
	json_object_set_new(realm, "initial-measurement", json_string(rim));
	struct ccakit_appraisal *a;
	assert_int_equal(appraise_json("trustee/cca-example-token.cbor", j, &a),
			 CCAKIT_TOKEN_ERR_MISMATCH);
	assert_contains(err,
			"realm: no reference entry matches; the closest, realm[0], differs in 1 "
			"of 7 claims, first realm RIM: token ae87fbf7f105e71a");
	assert_true(a->platform.matched);
	assert_false(a->realm.matched);
	assert_false(item(&a->realm, "realm RIM")->matched);
	assert_true(item(&a->realm, "realm REM[0]")->matched);
	ccakit_appraisal_free(a);
}

static void appraise_names_a_changed_rem_and_hash_algorithm(void **state)
{
	(void)state;
	json_t *j = refvals_json("trustee/rvstore.json");
	json_t *realm = json_array_get(json_object_get(j, "realm"), 0);
	json_t *rems = json_object_get(realm, "extensible-measurements");
	char rem[129];
	memset(rem, 'f', 128);
	rem[128] = '\0';
	json_array_set_new(rems, 2, json_string(rem));
	json_object_set_new(realm, "rak-hash-algorithm", json_string("sha-512"));
	struct ccakit_appraisal *a;
	assert_int_equal(appraise_json("trustee/cca-example-token.cbor", j, &a),
			 CCAKIT_TOKEN_ERR_MISMATCH);
	assert_contains(err, "differs in 2 of 7 claims, first realm REM[2]");
	assert_contains(item(&a->realm, "realm REM[2]")->detail, "reference ffffffffffffffff");
	assert_string_equal(item(&a->realm, "realm RAK hash algorithm")->detail,
			    "token sha-256, reference sha-512");
	ccakit_appraisal_free(a);
}

static void appraise_names_a_changed_sw_component(void **state)
{
	(void)state;
	json_t *j = refvals_json("trustee/rvstore.json");
	json_t *plat = json_array_get(json_object_get(j, "platform"), 0);
	json_t *rmm = json_array_get(json_object_get(plat, "sw-components"), 8);
	assert_string_equal(json_string_value(json_object_get(rmm, "component-type")), "RMM");
	json_object_set_new(rmm, "measurement-value",
			    json_string("00000000000000000000000000000000000000000000000000000000"
					"00000000"));
	struct ccakit_appraisal *a;
	assert_int_equal(appraise_json("trustee/cca-example-token.cbor", j, &a),
			 CCAKIT_TOKEN_ERR_MISMATCH);
	assert_contains(err, "platform: no reference entry matches");
	assert_contains(err, "first platform sw component 8 (RMM): measurement: token "
			     "a1fb50e6c86fae16");
	/* The reference's RMM is now unmatched too. */
	assert_false(item(&a->platform, "platform reference component 8 (RMM)")->matched);
	ccakit_appraisal_free(a);
}

static void appraise_reports_a_component_the_token_lacks(void **state)
{
	(void)state;
	json_t *j = refvals_json("trustee/rvstore.json");
	json_t *sw =
		json_object_get(json_array_get(json_object_get(j, "platform"), 0), "sw-components");
	json_array_append_new(sw, json_pack("{s:s, s:s}", "component-type", "AP_BL33",
					    "measurement-value", "0102030405060708"));
	struct ccakit_appraisal *a;
	assert_int_equal(appraise_json("trustee/cca-example-token.cbor", j, &a),
			 CCAKIT_TOKEN_ERR_MISMATCH);
	assert_contains(err, "platform reference component 13 (AP_BL33): in the reference values, "
			     "not in the token");
	ccakit_appraisal_free(a);
}

static void appraise_reports_the_closest_realm_entry(void **state)
{
	(void)state;
	/* rv.json's realm entry is all zeros, the trustee one one RIM off:
	 * with both, the trustee one is the closest. */
	json_t *j = refvals_json("trustee/rvstore.json");
	json_t *realms = json_object_get(j, "realm");
	json_t *near = json_deep_copy(json_array_get(realms, 0));
	json_object_set_new(near, "initial-measurement", json_string("00"));
	json_t *rvj = refvals_json("rust-ccatoken/rv.json");
	json_array_clear(realms);
	json_array_append(realms, json_array_get(json_object_get(rvj, "realm"), 0));
	json_array_append_new(realms, near);
	struct ccakit_appraisal *a;
	assert_int_equal(appraise_json("trustee/cca-example-token.cbor", j, &a),
			 CCAKIT_TOKEN_ERR_MISMATCH);
	assert_int_equal(a->realm.entry, 1);
	assert_contains(err, "the closest, realm[1], differs in 1 of 7 claims, first realm RIM");
	ccakit_appraisal_free(a);
	json_decref(rvj);
}

static void platform_only_token_appraises_its_platform(void **state)
{
	(void)state;
	struct ccakit_refvals *rv = fixture_refvals("rust-ccatoken/rv.json");
	struct ccakit_appraisal *a;
	assert_int_equal(appraise("tf-m-tools/cca_platform_token.cbor", rv, &a), 0);
	assert_true(a->platform.matched);
	assert_false(a->realm.appraised);
	char *s = ccakit_appraisal_json(a);
	json_t *j = json_loads(s, 0, NULL);
	assert_true(json_is_true(json_object_get(j, "matched")));
	assert_true(json_is_false(json_object_get(json_object_get(j, "realm"), "appraised")));
	assert_int_equal(json_array_size(json_object_get(json_object_get(j, "platform"), "claims")),
			 a->platform.item_count);
	json_decref(j);
	free(s);
	ccakit_appraisal_free(a);
	ccakit_refvals_free(rv);
}

static void unusable_reference_values_are_refused(void **state)
{
	(void)state;
	static const struct {
		const char *json, *why;
	} bad[] = {
		{ "nope", "reference values: not JSON" },
		{ "[]", "not a JSON object with \"platform\" and \"realm\"" },
		{ "{\"realms\": []}", "the file: unknown key \"realms\"" },
		{ "{\"realm\": {}}", "\"platform\" and \"realm\" must be arrays" },
		{ "{\"realm\": [{\"initial-measurment\": \"00\"}]}",
		  "realm[0]: unknown key \"initial-measurment\"" },
		{ "{\"realm\": [{\"initial-measurement\": \"0g\"}]}",
		  "realm[0]: \"initial-measurement\" is not a hex string" },
		{ "{\"realm\": [{\"initial-measurement\": \"00\", \"extensible-measurements\": "
		  "[]}]}",
		  "realm[0]: \"extensible-measurements\" is not an array of 4" },
		{ "{\"realm\": [{\"initial-measurement\": \"00\", "
		  "\"extensible-measurements\": [\"00\", \"00\", 3, \"00\"]}]}",
		  "\"extensible-measurements[2]\" is not a hex string" },
		{ "{\"platform\": [{\"implementation-id\": \"00\"}]}",
		  "platform[0]: \"sw-components\" is missing or not an array" },
		{ "{\"platform\": [{\"sw-components\": []}]}",
		  "platform[0]: \"implementation-id\" is missing" },
		{ "{\"platform\": [{\"implementation-id\": \"00\", \"sw-components\": [{}]}]}",
		  "platform[0] sw-components[0]: \"measurement-value\" is missing" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct ccakit_refvals *rv = (void *)1;
		err[0] = '\0';
		assert_int_equal(ccakit_refvals_parse(bad[i].json, strlen(bad[i].json), &rv, err,
						      sizeof(err)),
				 CCAKIT_TOKEN_ERR_REFERENCE);
		assert_null(rv);
		assert_contains(err, bad[i].why);
	}
	/* Nothing that applies to the token is an error, not a pass. */
	struct ccakit_refvals *rv;
	const char *none = "{\"realm\": []}";
	assert_int_equal(ccakit_refvals_parse(none, strlen(none), &rv, err, sizeof(err)), 0);
	assert_int_equal(appraise("trustee/cca-example-token.cbor", rv, NULL),
			 CCAKIT_TOKEN_ERR_REFERENCE);
	assert_contains(err, "no platform or realm entries for this token");
	ccakit_refvals_free(rv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(trustee_token_matches_rvstore),
		cmocka_unit_test(cca_token_01_matches_rv_json),
		cmocka_unit_test(appraise_names_a_changed_rim),
		cmocka_unit_test(appraise_names_a_changed_rem_and_hash_algorithm),
		cmocka_unit_test(appraise_names_a_changed_sw_component),
		cmocka_unit_test(appraise_reports_a_component_the_token_lacks),
		cmocka_unit_test(appraise_reports_the_closest_realm_entry),
		cmocka_unit_test(platform_only_token_appraises_its_platform),
		cmocka_unit_test(unusable_reference_values_are_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
