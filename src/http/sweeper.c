/* SPDX-License-Identifier: Apache-2.0 */
#include "sweeper.h"

#include <pthread.h>
#include <time.h>

#include "access/access.h"
#include "core/arena.h"
#include "core/clock.h"
#include "core/log.h"
#include "events/events.h"
#include "modules/module.h"

static struct {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_mutex_t sweeping; /* one sweep at a time: the thread's or sweeper_run_now's */
    pthread_cond_t wake;
    bool running;
    bool stop;
    int interval_ms;
    int64_t heartbeat_ms;
    const struct op_env *env;
} sw = {.lock = PTHREAD_MUTEX_INITIALIZER,
        .sweeping = PTHREAD_MUTEX_INITIALIZER,
        .wake = PTHREAD_COND_INITIALIZER};

static void sweep_once(void)
{
    struct error err = {0};
    struct store_conn *conn = store_conn_get(&err, sw.env->store);
    int ended = 0;
    if (!conn || !access_emergency_sweep(&err, conn, clock_now_ms(), &ended))
        log_msg(LOG_WARN, "sweep.failed", "emergency access sweep: %s",
                err.detail[0] ? err.detail : error_code_name(err.code));
    else if (ended > 0)
        log_msg(LOG_INFO, "emergency.expired", "%d emergency grant(s) expired", ended);
}

/* Each module's own work (struct module.sweep), one op each. */
static void sweep_modules(void)
{
    for (const struct module *const *m = modules_all; *m; m++) {
        if (!(*m)->sweep)
            continue;
        struct error err = {0};
        struct arena *arena = arena_new();
        struct store_conn *conn = arena ? store_conn_get(&err, sw.env->store) : NULL;
        if (!conn) {
            arena_free(arena);
            log_msg(LOG_WARN, "sweep.failed", "%s: no store connection", (*m)->name);
            continue;
        }
        struct op op;
        op_init(&op, arena, sw.env, conn, NULL, OP_JOB, "sweeper");
        if (!(*m)->sweep(&err, &op) || !op_commit(&err, &op)) {
            op_rollback(&op);
            log_msg(LOG_WARN, "sweep.failed", "%s: %s", (*m)->name,
                    err.detail[0] ? err.detail : error_code_name(err.code));
        }
        arena_free(arena);
    }
}

void sweeper_run_now(void)
{
    if (!sw.env)
        return;
    pthread_mutex_lock(&sw.sweeping);
    sweep_once();
    sweep_modules();
    pthread_mutex_unlock(&sw.sweeping);
}

static void *run(void *arg)
{
    (void)arg;
    pthread_setname_np(pthread_self(), "sweeper");
    pthread_mutex_lock(&sw.lock);
    while (!sw.stop) {
        struct timespec deadline;
        clock_deadline_in(&deadline, (int64_t)sw.interval_ms * 1000);
        pthread_cond_timedwait(&sw.wake, &sw.lock, &deadline);
        if (sw.stop)
            break;
        pthread_mutex_unlock(&sw.lock);
        events_tick(clock_mono_ms(), sw.heartbeat_ms);
        sweeper_run_now();
        pthread_mutex_lock(&sw.lock);
    }
    pthread_mutex_unlock(&sw.lock);
    return NULL;
}

bool sweeper_start(struct error *err, const struct op_env *env, int interval_ms,
                   int64_t heartbeat_ms)
{
    sw.env = env;
    sw.heartbeat_ms = heartbeat_ms > 0 ? heartbeat_ms : 15000;
    sw.interval_ms = interval_ms > 0 ? interval_ms : 1000;
    sw.stop = false;
    if (pthread_create(&sw.thread, NULL, run, NULL) != 0)
        return error_set(err, ERR_INTERNAL, "cannot start the sweeper thread");
    sw.running = true;
    return true;
}

void sweeper_stop(void)
{
    if (!sw.running)
        return;
    pthread_mutex_lock(&sw.lock);
    sw.stop = true;
    pthread_cond_signal(&sw.wake);
    pthread_mutex_unlock(&sw.lock);
    pthread_join(sw.thread, NULL);
    sw.running = false;
}
