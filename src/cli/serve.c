/* SPDX-License-Identifier: Apache-2.0 */
/* tsunagu serve: flags, TSUNAGU_* environment variables, then http/server. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/log.h"
#include "demo/demo.h"
#include "http/server.h"
#include "imaging/scp.h"

static bool parse_int(const char *name, const char *s, long min, long max, long *out)
{
    char *end;
    long v = s ? strtol(s, &end, 10) : 0;
    if (!s || !*s || *end || v < min || v > max) {
        cli_error("serve: --%s must be a number from %ld to %ld", name, min, max);
        return false;
    }
    *out = v;
    return true;
}

/* The DICOM C-STORE SCP, when --dicom-port is given: on the --listen host. */
static struct imaging_scp_config dicom;
static char dicom_host[256];

static bool dicom_start(struct error *err, const struct op_env *env)
{
    if (!server_host_is_loopback(dicom.host))
        log_msg(LOG_WARN, "dicom.plain",
                "DICOM associations on %s are not encrypted (no DICOM TLS): reach the port only "
                "through a VPN or a TLS tunnel (e.g. stunnel)",
                dicom.host);
    return imaging_scp_start(err, env, &dicom);
}

static bool dicom_config(const char *listen, const char *port, const char *assocs, const char *pdu)
{
    long p, a, m;
    if (!parse_int("dicom-port", port, 0, 65535, &p) ||
        !parse_int("dicom-max-associations", assocs, 1, 64, &a) ||
        !parse_int("dicom-max-pdu", pdu, 4096, 16 * 1024 * 1024, &m))
        return false;
    /* the host of "HOST:PORT" or "[V6]:PORT" */
    const char *colon = strrchr(listen, ':');
    size_t n = colon ? (size_t)(colon - listen) : strlen(listen);
    if (listen[0] == '[' && n >= 2 && listen[n - 1] == ']')
        snprintf(dicom_host, sizeof dicom_host, "%.*s", (int)(n - 2), listen + 1);
    else
        snprintf(dicom_host, sizeof dicom_host, "%.*s", (int)n, listen);
    dicom = (struct imaging_scp_config){
        .host = dicom_host, .port = (int)p, .max_associations = (int)a, .max_pdu = (uint32_t)m};
    return true;
}

int cli_serve(int argc, char **argv)
{
    const char *listen = "127.0.0.1:8080", *data_dir = cli_default_data_dir();
    const char *static_dir = "web/dist", *level = "info", *cert = NULL, *key = NULL;
    const char *workers = "4", *max_connections = "16384", *idle = "900", *absolute = "43200",
               *body = "65536", *fhir_body = "33554432", *dicomweb_body = "536870912";
    const char *emergency = "86400", *heartbeat = "15", *stale = "86400", *share = "90",
               *letter_font = "", *public_url = "";
    const char *dicom_port = "", *dicom_assocs = "8", *dicom_pdu = "262144";
    bool proxy = false, help = false;
    const struct cli_option options[] = {
        {"listen", "TSUNAGU_LISTEN", &listen, NULL, "address and port (default 127.0.0.1:8080)"},
        {"data-dir", "TSUNAGU_DATA_DIR", &data_dir, NULL, "data directory (default ./data)"},
        {"static-dir", "TSUNAGU_STATIC_DIR", &static_dir, NULL, "built web UI (default web/dist)"},
        {"log-level", "TSUNAGU_LOG_LEVEL", &level, NULL, "debug, info, warn or error"},
        {"tls-cert", "TSUNAGU_TLS_CERT", &cert, NULL, "TLS certificate (PEM)"},
        {"tls-key", "TSUNAGU_TLS_KEY", &key, NULL, "TLS private key (PEM)"},
        {"behind-tls-proxy", "TSUNAGU_BEHIND_TLS_PROXY", NULL, &proxy,
         "a TLS proxy in front terminates connections"},
        {"workers", "TSUNAGU_WORKERS", &workers, NULL, "worker threads (default 4)"},
        {"max-connections", "TSUNAGU_MAX_CONNECTIONS", &max_connections, NULL,
         "connections at once, open event streams included (16384)"},
        {"idle-timeout", "TSUNAGU_IDLE_TIMEOUT", &idle, NULL, "session idle time-out, s (900)"},
        {"absolute-timeout", "TSUNAGU_ABSOLUTE_TIMEOUT", &absolute, NULL,
         "session absolute time-out, s (43200)"},
        {"body-limit", "TSUNAGU_BODY_LIMIT", &body, NULL, "largest request body, bytes (65536)"},
        {"fhir-body-limit", "TSUNAGU_FHIR_BODY_LIMIT", &fhir_body, NULL,
         "largest FHIR request body (documents, Bundles), bytes (33554432)"},
        {"dicomweb-body-limit", "TSUNAGU_DICOMWEB_BODY_LIMIT", &dicomweb_body, NULL,
         "largest DICOMweb request body (a STOW-RS of a whole study), bytes (536870912)"},
        {"emergency-access-seconds", "TSUNAGU_EMERGENCY_ACCESS_SECONDS", &emergency, NULL,
         "how long an emergency (break-the-glass) access lasts, s (86400)"},
        {"sse-heartbeat-seconds", "TSUNAGU_SSE_HEARTBEAT_SECONDS", &heartbeat, NULL,
         "heartbeat and session check of an idle event stream, s (15)"},
        {"status-stale-seconds", "TSUNAGU_STATUS_STALE_SECONDS", &stale, NULL,
         "directory status older than this is marked stale, s (86400)"},
        {"referral-share-days", "TSUNAGU_REFERRAL_SHARE_DAYS", &share, NULL,
         "how long a referral shares the record with its receiver, days (90)"},
        {"public-url", "TSUNAGU_PUBLIC_URL", &public_url, NULL,
         "the address clients use, for the absolute URLs of FHIR answers, e.g. "
         "https://renkei.example.jp (default: the listen address)"},
        {"letter-font", "TSUNAGU_LETTER_FONT", &letter_font, NULL,
         "Japanese font file (.ttf/.otf/.ttc) of the referral letter PDF (default: IPAex Mincho, "
         "else Noto CJK)"},
        {"dicom-port", "TSUNAGU_DICOM_PORT", &dicom_port, NULL,
         "DICOM C-STORE SCP port on the --listen host (default: off); senders are registered "
         "with 'tsunagu imaging ae add'"},
        {"dicom-max-associations", "TSUNAGU_DICOM_MAX_ASSOCIATIONS", &dicom_assocs, NULL,
         "DICOM associations at once (8)"},
        {"dicom-max-pdu", "TSUNAGU_DICOM_MAX_PDU", &dicom_pdu, NULL,
         "largest DICOM PDU received, bytes (262144)"},
        {"help", NULL, NULL, &help, "this text"},
        {NULL, NULL, NULL, NULL, NULL},
    };
    if (!cli_parse("serve", argc, argv, options))
        return CLI_USAGE;
    if (help) {
        puts("usage: tsunagu serve [options]");
        cli_print_options(options);
        return CLI_OK;
    }
    if (public_url[0] && !server_public_url_valid(public_url)) {
        cli_error("serve: --public-url must be an http:// or https:// URL without a query, e.g. "
                  "https://renkei.example.jp");
        return CLI_USAGE;
    }
    enum log_level lvl;
    if (!log_level_parse(level, &lvl)) {
        cli_error("serve: --log-level must be debug, info, warn or error");
        return CLI_USAGE;
    }
    log_set_level(lvl);
    long w, mc, i, a, b, fb, db, e, hb, st, sd;
    if (!parse_int("workers", workers, 1, 256, &w) ||
        !parse_int("max-connections", max_connections, 16, 1048576, &mc) ||
        !parse_int("idle-timeout", idle, 1, 86400, &i) ||
        !parse_int("absolute-timeout", absolute, 1, 604800, &a) ||
        !parse_int("body-limit", body, 1024, 64 * 1024 * 1024, &b) ||
        !parse_int("fhir-body-limit", fhir_body, 1024, 512 * 1024 * 1024, &fb) ||
        !parse_int("dicomweb-body-limit", dicomweb_body, 1024, 4L * 1024 * 1024 * 1024, &db) ||
        !parse_int("emergency-access-seconds", emergency, 1, 604800, &e) ||
        !parse_int("sse-heartbeat-seconds", heartbeat, 1, 3600, &hb) ||
        !parse_int("status-stale-seconds", stale, 1, 31 * 86400, &st) ||
        !parse_int("referral-share-days", share, 1, 3650, &sd))
        return CLI_USAGE;
    if (dicom_port[0] && !dicom_config(listen, dicom_port, dicom_assocs, dicom_pdu))
        return CLI_USAGE;
    struct server_config cfg = {
        .listen = listen,
        .data_dir = data_dir,
        .static_dir = static_dir,
        .tls_cert = cert,
        .tls_key = key,
        .behind_tls_proxy = proxy,
        .workers = (int)w,
        .max_connections = (int)mc,
        .idle_timeout_s = (int)i,
        .absolute_timeout_s = (int)a,
        .body_limit = (size_t)b,
        .fhir_body_limit = (size_t)fb,
        .dicomweb_body_limit = (size_t)db,
        .emergency_access_s = (int)e,
        .sse_heartbeat_s = (int)hb,
        .status_stale_s = (int)st,
        .referral_share_days = (int)sd,
        .letter_font = letter_font,
        .public_url = public_url,
        .on_ready = demo_announce,
        .services_start = dicom_port[0] ? dicom_start : NULL,
        .services_stop = dicom_port[0] ? imaging_scp_stop : NULL,
    };
    return server_run(&cfg);
}
