/*
 * The block queries management tools send at every start.  No disk can
 * be attached yet (block/ has no front-end on the command line or in
 * QMP), so the truthful answer is an empty list; these become real with
 * the first -blockdev.
 */
#include "qapi/qapi-commands.h"

BlockDeviceInfoList *qmp_query_named_block_nodes(bool has_flat, bool flat,
                                                 Error **errp)
{
    return NULL;
}

BlockInfoList *qmp_query_block(Error **errp)
{
    return NULL;
}
