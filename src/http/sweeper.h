/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_HTTP_SWEEPER_H
#define TSUNAGU_HTTP_SWEEPER_H

#include <stdbool.h>
#include <stdint.h>

#include "core/errors.h"
#include "op/op.h"

/**
 * Starts the server's periodic housekeeping thread: every interval_ms it ends expired emergency
 * grants with their audit record (access_emergency_sweep), so a grant's end is recorded without
 * anyone calling; it runs each module's sweep (struct module) in an op of its own; and it wakes
 * event streams idle for heartbeat_ms (events_tick). env is borrowed and must outlive the thread.
 */
bool sweeper_start(struct error *err, const struct op_env *env, int interval_ms,
                   int64_t heartbeat_ms);
/** One sweep (emergency grants, then each module's) in the calling thread, after any sweep in
 *  progress; nothing before sweeper_start. POST /api/test/clock runs it after moving the clock. */
void sweeper_run_now(void);
/** Stops the thread (waits for a sweep in progress); safe when it was not started. */
void sweeper_stop(void);

#endif
