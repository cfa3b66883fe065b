/* SPDX-License-Identifier: Apache-2.0 */
/* TEMPORARY (removed when wt-store's store.c is merged): weak stand-ins of the batch API so that
 * the import links before the store does. */
#include "imaging_int.h"

__attribute__((weak)) struct imaging_batch *imaging_batch_new(struct error *err, struct op *op,
                                                              const struct imaging_store_opts *opts)
{
    (void)op, (void)opts;
    error_set(err, ERR_INTERNAL, "not yet");
    return NULL;
}

__attribute__((weak)) bool imaging_batch_add(struct error *err, struct imaging_batch *b,
                                             const void *bytes, size_t len,
                                             struct imaging_stored *out, bool *fatal)
{
    (void)b, (void)bytes, (void)len, (void)out;
    *fatal = true;
    return error_set(err, ERR_INTERNAL, "not yet");
}

__attribute__((weak)) bool imaging_batch_commit(struct error *err, struct imaging_batch *b)
{
    (void)b;
    return error_set(err, ERR_INTERNAL, "not yet");
}
