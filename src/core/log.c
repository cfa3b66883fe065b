/* SPDX-License-Identifier: Apache-2.0 */
#include "log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "strbuf.h"

static enum log_level current = LOG_INFO;
static const char *const names[] = {"debug", "info", "warn", "error"};

bool log_level_parse(const char *name, enum log_level *out)
{
    for (int i = 0; i < 4; i++) {
        if (strcmp(name, names[i]) == 0) {
            *out = (enum log_level)i;
            return true;
        }
    }
    return false;
}

void log_set_level(enum log_level level)
{
    current = level;
}
enum log_level log_get_level(void)
{
    return current;
}

enum { FLUSH_BYTES = 64 * 1024, FLUSH_INTERVAL_MS = 100 };

static struct {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    pthread_t thread;
    struct strbuf pending;
    bool running, stopping, urgent;
} async = {.lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER};

static void write_all(const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(STDERR_FILENO, p, n);
        if (w <= 0)
            return; /* nowhere to report a failing log */
        p += w;
        n -= (size_t)w;
    }
}

/* Takes the pending lines (under the lock) and writes them (outside it). */
static void flush_pending(void)
{
    struct strbuf out = async.pending;
    async.pending = (struct strbuf){0};
    async.urgent = false;
    pthread_mutex_unlock(&async.lock);
    if (out.len)
        write_all(out.buf, out.len);
    strbuf_release(&out);
    pthread_mutex_lock(&async.lock);
}

static void *flusher_main(void *arg)
{
    (void)arg;
    pthread_setname_np(pthread_self(), "log-flusher");
    pthread_mutex_lock(&async.lock);
    while (!async.stopping) {
        struct timespec until;
        clock_deadline_in(&until, FLUSH_INTERVAL_MS * 1000L);
        if (!async.urgent)
            pthread_cond_timedwait(&async.wake, &async.lock, &until);
        flush_pending();
    }
    flush_pending();
    pthread_mutex_unlock(&async.lock);
    return NULL;
}

void log_async_start(void)
{
    pthread_mutex_lock(&async.lock);
    async.stopping = false;
    async.running = pthread_create(&async.thread, NULL, flusher_main, NULL) == 0;
    pthread_mutex_unlock(&async.lock);
}

void log_async_stop(void)
{
    pthread_mutex_lock(&async.lock);
    bool running = async.running;
    async.stopping = true;
    pthread_cond_signal(&async.wake);
    pthread_mutex_unlock(&async.lock);
    if (running)
        pthread_join(async.thread, NULL);
    async.running = false;
}

static void emit(const char *json_line, bool urgent)
{
    pthread_mutex_lock(&async.lock);
    if (!async.running || async.stopping) {
        pthread_mutex_unlock(&async.lock);
        struct strbuf sb = {0};
        strbuf_puts(&sb, json_line);
        strbuf_append(&sb, "\n", 1);
        write_all(sb.buf, sb.len);
        strbuf_release(&sb);
        return;
    }
    strbuf_puts(&async.pending, json_line);
    strbuf_append(&async.pending, "\n", 1);
    if (urgent || async.pending.len >= FLUSH_BYTES) {
        async.urgent = true;
        pthread_cond_signal(&async.wake);
    }
    pthread_mutex_unlock(&async.lock);
}

void log_line(const char *json_line)
{
    emit(json_line, false);
}

void log_msg(enum log_level level, const char *event, const char *fmt, ...)
{
    if (level < current)
        return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    char now[32];
    clock_format_iso(clock_now_ms(), now);
    struct strbuf sb = {0};
    strbuf_printf(&sb, "{\"time\":\"%s\",\"level\":\"%s\",\"event\":", now, names[level]);
    strbuf_json_string(&sb, event);
    strbuf_puts(&sb, ",\"msg\":");
    strbuf_json_string(&sb, msg);
    strbuf_puts(&sb, "}");
    emit(sb.buf, level >= LOG_WARN);
    strbuf_release(&sb);
}
