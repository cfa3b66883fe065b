/* SPDX-License-Identifier: Apache-2.0 */
#include "sweeper.h"

#include <pthread.h>
#include <time.h>

#include "access/access.h"
#include "core/clock.h"
#include "core/log.h"
#include "events/events.h"

static struct {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool running;
    bool stop;
    int interval_ms;
    int64_t heartbeat_ms;
    struct store *store;
} sw = {.lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER};

static void sweep_once(void)
{
    struct error err = {0};
    struct store_conn *conn = store_conn_get(&err, sw.store);
    int ended = 0;
    if (!conn || !access_emergency_sweep(&err, conn, clock_now_ms(), &ended))
        log_msg(LOG_WARN, "sweep.failed", "emergency access sweep: %s",
                err.detail[0] ? err.detail : error_code_name(err.code));
    else if (ended > 0)
        log_msg(LOG_INFO, "emergency.expired", "%d emergency grant(s) expired", ended);
}

static void *run(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&sw.lock);
    while (!sw.stop) {
        struct timespec deadline;
        clock_deadline_in(&deadline, (int64_t)sw.interval_ms * 1000);
        pthread_cond_timedwait(&sw.wake, &sw.lock, &deadline);
        if (sw.stop)
            break;
        pthread_mutex_unlock(&sw.lock);
        events_tick(clock_mono_ms(), sw.heartbeat_ms);
        sweep_once();
        pthread_mutex_lock(&sw.lock);
    }
    pthread_mutex_unlock(&sw.lock);
    return NULL;
}

bool sweeper_start(struct error *err, struct store *st, int interval_ms, int64_t heartbeat_ms)
{
    sw.store = st;
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
