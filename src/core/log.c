/* SPDX-License-Identifier: Apache-2.0 */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
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

void log_set_level(enum log_level level) { current = level; }
enum log_level log_get_level(void) { return current; }

void log_line(const char *json_line)
{
    struct strbuf sb = {0};
    strbuf_puts(&sb, json_line);
    strbuf_append(&sb, "\n", 1);
    ssize_t ignored = write(STDERR_FILENO, sb.buf, sb.len);
    (void)ignored;
    strbuf_release(&sb);
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
    log_line(sb.buf);
    strbuf_release(&sb);
}
