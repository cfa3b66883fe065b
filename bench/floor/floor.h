/* SPDX-License-Identifier: Apache-2.0 */
/* What the floor servers of bench/floor.sh share: the headers tsunagu sends with an API answer
 * (src/http/response.c) and the body file. */
#ifndef TSUNAGU_BENCH_FLOOR_H
#define TSUNAGU_BENCH_FLOOR_H

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#define FLOOR_CSP                                                                                  \
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; "                \
    "style-src 'self'; img-src 'self' data:; "                                                     \
    "connect-src 'self'; font-src 'self'; frame-src 'self'; object-src 'none'; "                   \
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

/* name, value; lower-case names (h2o's tokens; HTTP/1.1 names are case-insensitive) */
static const char *const floor_headers[][2] = {
    {"content-type", "application/json; charset=utf-8"},
    {"cache-control", "no-store"},
    {"x-content-type-options", "nosniff"},
    {"referrer-policy", "no-referrer"},
    {"x-frame-options", "DENY"},
    {"content-security-policy", FLOOR_CSP},
    {"cross-origin-opener-policy", "same-origin"},
    {"cross-origin-resource-policy", "same-origin"},
};
enum { FLOOR_HEADERS = sizeof floor_headers / sizeof floor_headers[0] };

static char floor_body[65536];
static size_t floor_body_len;

/* Reads the body every answer carries; exits when it cannot. */
static void floor_load_body(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(1);
    }
    floor_body_len = fread(floor_body, 1, sizeof floor_body, f);
    fclose(f);
}

/* Blocks SIGTERM and SIGINT in every thread started after, for main's sigwait. */
static void floor_block_signals(sigset_t *sigs)
{
    sigemptyset(sigs);
    sigaddset(sigs, SIGTERM);
    sigaddset(sigs, SIGINT);
    pthread_sigmask(SIG_BLOCK, sigs, NULL);
}

#endif
