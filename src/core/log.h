/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_CORE_LOG_H
#define TSUNAGU_CORE_LOG_H

#include <stdbool.h>

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

/** Parses "debug", "info", "warn", "error"; false if unknown. */
bool log_level_parse(const char *name, enum log_level *out);
void log_set_level(enum log_level level);
enum log_level log_get_level(void);

/**
 * Writes one JSON line to stderr: {"time":…,"level":…,"event":…,"msg":…}. Never pass a
 * password, token, session id or patient data: the log is read by operators.
 */
void log_msg(enum log_level level, const char *event, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/** Writes a prepared JSON line (without newline); lines never interleave. */
void log_line(const char *json_line);

/**
 * Buffers lines and writes them from a background thread (every 100 ms, or at once when the
 * buffer fills or a warning or error is logged), so a busy server does not pay a write(2) for
 * every access-log line. log_async_stop writes what is left; call it before exiting.
 */
void log_async_start(void);
void log_async_stop(void);

#endif
