/*
 * TPM queries (qapi/tpm.json): this binary has no TPM device model and
 * no TPM back-end, so both lists are empty.
 */

#include "qapi/qapi-commands.h"

TpmModelList *qmp_query_tpm_models(Error **errp)
{
    return NULL;
}

TpmTypeList *qmp_query_tpm_types(Error **errp)
{
    return NULL;
}
