/*
 * libFuzzer target for qemu-bridge-helper's ACL parser and matcher.
 *
 * The input is an ACL text; it is parsed with includes forbidden (a fuzzer
 * must not open arbitrary paths) and, when it parses, matched against a few
 * bridge names.  Invariants checked: no crash, no leak, every error message
 * starts with "fuzz.conf:<line>: ", and a rule set never allows a bridge
 * that one of its deny rules names.
 */

#include "bridge-helper/acl.h"
#include "bridge-helper/error.h"

#include <assert.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const bridges[] = { "br0", "all", "qemubr0", "x" };
    const AclOptions opts = { .forbid_include = true };
    char err[HELPER_ERR_LEN];
    Acl acl = { 0 };

    if (acl_load_text(&acl, "fuzz.conf", (const char *)data, size, &opts,
                      err, sizeof(err)) < 0) {
        assert(strncmp(err, "fuzz.conf:", 10) == 0);
        acl_free(&acl);
        return 0;
    }
    for (size_t b = 0; b < sizeof(bridges) / sizeof(bridges[0]); b++) {
        bool allowed = acl_allows(&acl, bridges[b], err, sizeof(err));
        for (size_t i = 0; i < acl.nrules; i++) {
            const AclRule *r = &acl.rules[i];
            assert(r->all || ifname_problem(r->name) == NULL);
            if (r->verb == ACL_DENY &&
                (r->all || strcmp(r->name, bridges[b]) == 0)) {
                assert(!allowed);
            }
        }
    }
    acl_free(&acl);
    return 0;
}
