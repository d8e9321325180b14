/*
 * Migration capabilities (qapi/migration.json).  No migration can run
 * here; the capabilities are kept so that what a client sets is what it
 * reads back.
 */

#include "qapi/qapi-commands.h"

static bool capability_state[MIGRATION_CAPABILITY__MAX];

MigrationCapabilityStatusList *qmp_query_migrate_capabilities(Error **errp)
{
    MigrationCapabilityStatusList *list = NULL, **tail = &list;

    for (int i = 0; i < MIGRATION_CAPABILITY__MAX; i++) {
        MigrationCapabilityStatus *s = g_new0(MigrationCapabilityStatus, 1);

        s->capability = i;
        s->state = capability_state[i];
        *tail = g_new0(MigrationCapabilityStatusList, 1);
        (*tail)->value = s;
        tail = &(*tail)->next;
    }
    return list;
}

void qmp_migrate_set_capabilities(MigrationCapabilityStatusList *capabilities,
                                  Error **errp)
{
    /* the visitor checked every name, so nothing can fail half-way */
    for (MigrationCapabilityStatusList *l = capabilities; l; l = l->next) {
        capability_state[l->value->capability] = l->value->state;
    }
}
