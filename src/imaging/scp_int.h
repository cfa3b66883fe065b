/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_IMAGING_SCP_INT_H
#define TSUNAGU_IMAGING_SCP_INT_H

/* Between the SCP's listener (scp.c) and the association it runs (scp_assoc.c). */

#include "scp.h"

/** Runs one association on connected socket fd to its end (release, abort, error, time-out);
 *  the caller closes fd. conn is the calling thread's store connection. */
void scp_association_run(int fd, const struct op_env *env, const struct imaging_scp_config *cfg,
                         struct store_conn *conn);
/** Reads the peer's first PDU (bounded, briefly) and answers A-ASSOCIATE-RJ (transient: the
 *  local limit of associations is reached). */
void scp_reject_busy(int fd);

#endif
