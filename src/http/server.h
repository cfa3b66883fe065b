/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_HTTP_SERVER_H
#define TSUNAGU_HTTP_SERVER_H

#include <stdbool.h>
#include <stddef.h>

#include "core/errors.h"
#include "store/store.h"

struct op_env;

/** Default of server_config.max_connections: room for 10,000 idle event streams (issue 17) and
 *  the ordinary requests beside them. */
enum { SERVER_MAX_CONNECTIONS = 16384, SERVER_FD_RESERVE = 512 };

/** Settings of `tsunagu serve` (flags and TSUNAGU_* environment variables). */
struct server_config {
    const char *listen; /* "127.0.0.1:8080", "[::1]:8080" */
    const char *data_dir;
    const char *static_dir; /* the built web UI (web/dist) */
    const char *tls_cert;   /* PEM files; both or neither */
    const char *tls_key;
    bool behind_tls_proxy;
    int workers; /* thread-pool size */
    /** Connections at once, idle event streams included (0: SERVER_MAX_CONNECTIONS); lowered at
     *  start to what the process's file-descriptor limit leaves (see server_connection_limit). */
    int max_connections;
    int idle_timeout_s;
    int absolute_timeout_s;
    size_t body_limit;
    size_t fhir_body_limit;     /* for /fhir; 0: 32 MiB */
    size_t dicomweb_body_limit; /* for /dicom-web (STOW-RS); 0: 512 MiB */
    int emergency_access_s;     /* how long an emergency grant lasts (0: 86400) */
    int sse_heartbeat_s;        /* heartbeat (and session check) of an idle event stream (0: 15) */
    int status_stale_s;         /* directory status older than this is stale (0: 86400) */
    int referral_share_days;    /* how long a referral shares the record (0: 90) */
    const char *letter_font;    /* Japanese font file for the referral letter PDF; NULL or "":
                                   the Debian defaults (referral/letter_pdf.h) */
    /** The address clients reach this server at (e.g. "https://renkei.example.jp", maybe with
     *  a path), for the absolute URLs it writes (FHIR Location, fullUrl, links); NULL or "":
     *  the listen address. Never taken from a request's Host header. */
    const char *public_url;
    /** Called once the server listens, with its URL (e.g. to print the demo logins). */
    void (*on_ready)(struct store *st, const char *url);
    /** Other listeners started once the HTTP server listens (the DICOM C-STORE SCP), with the
     *  server's store and blobs; failing stops the server. services_stop runs first at
     *  shutdown, before the store closes. NULL: none. */
    bool (*services_start)(struct error *err, const struct op_env *env);
    void (*services_stop)(void);
};

/**
 * Runs the server until SIGTERM or SIGINT, then lets in-flight requests finish and closes the
 * store. Returns a process exit code (0 on a clean shutdown, 1 when it cannot start, 2 when the
 * configuration is refused).
 */
int server_run(const struct server_config *cfg);

/** This server's public base URL without a trailing slash (server_config.public_url, or the
 *  listen address). */
const char *server_public_url(void);

/** Whether s is a public URL --public-url accepts: http:// or https://, a host (name, IPv4 or
 *  [IPv6]) with an optional port, an optional path, no query, fragment or white space. */
bool server_public_url_valid(const char *s);

/** The connection limit for wanted connections (0: the default) under a file-descriptor limit
 *  of fd_limit: wanted, or fewer when fd_limit cannot hold them beside SERVER_FD_RESERVE
 *  descriptors for everything else (database files, DICOM associations, logs); at least 16. */
unsigned server_connection_limit(int wanted, unsigned long long fd_limit);

/** True if host (an IPv4/IPv6 literal or "localhost") is a loopback address. */
bool server_host_is_loopback(const char *host);

#endif
