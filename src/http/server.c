/* SPDX-License-Identifier: Apache-2.0 */
/* libmicrohttpd glue: a thread pool with epoll; each request gets an arena and goes through the
 * router; graceful shutdown lets in-flight requests finish before the store closes. */
#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <malloc.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "audit/audit.h"
#include "auth/password.h"
#include "core/clock.h"
#include "core/log.h"
#include "events/events.h"
#include "referral/letter_pdf.h"
#include "response_int.h"
#include "router.h"
#include "static_files.h"
#include "sweeper.h"

static struct server_ctx ctx;
static const struct server_config *config;
static atomic_int in_flight;
static atomic_bool shutting_down;
/* The public base URL: set before the daemon starts, except for a listen port of 0, whose real
 * port is known only after (the value before is the listen address as given). */
static char public_urls[2][320];
static _Atomic(const char *) public_url = "http://localhost";

const char *server_public_url(void)
{
    return atomic_load(&public_url);
}

bool server_public_url_valid(const char *s)
{
    const char *host = !strncmp(s, "https://", 8)  ? s + 8
                       : !strncmp(s, "http://", 7) ? s + 7
                                                   : NULL;
    if (!host || !*host || strlen(s) > 256)
        return false;
    size_t h = strcspn(host, "/");
    for (size_t i = 0; i < h; i++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]", host[i]))
            return false;
    for (const char *p = host + h; *p; p++) /* the path: printable, no query or fragment */
        if (*p <= ' ' || *p == '?' || *p == '#' || *p == 0x7f || *p == '\\')
            return false;
    return h > 0 && host[0] != ':';
}

/* Sets the public URL (one of two buffers: a reader may still hold the other) from text, without
 * a trailing slash. */
static void set_public_url(int slot, const char *text)
{
    snprintf(public_urls[slot], sizeof public_urls[slot], "%s", text);
    size_t n = strlen(public_urls[slot]);
    while (n && public_urls[slot][n - 1] == '/')
        public_urls[slot][--n] = '\0';
    atomic_store(&public_url, public_urls[slot]);
}

bool server_host_is_loopback(const char *host)
{
    struct in_addr a4;
    struct in6_addr a6;
    if (strcmp(host, "localhost") == 0)
        return true;
    if (inet_pton(AF_INET, host, &a4) == 1)
        return (ntohl(a4.s_addr) >> 24) == 127;
    if (inet_pton(AF_INET6, host, &a6) == 1)
        return IN6_IS_ADDR_LOOPBACK(&a6);
    return false;
}

/* Parses "host:port" or "[v6]:port" into a socket address. */
static bool parse_listen(const char *listen, struct sockaddr_storage *ss, char *host, size_t cap)
{
    const char *colon = strrchr(listen, ':');
    if (!colon || colon == listen)
        return false;
    size_t hlen = (size_t)(colon - listen);
    const char *h = listen;
    if (h[0] == '[' && hlen >= 2 && h[hlen - 1] == ']')
        h++, hlen -= 2;
    if (hlen + 1 > cap)
        return false;
    memcpy(host, h, hlen);
    host[hlen] = '\0';
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (*end || port < 0 || port > 65535)
        return false;
    memset(ss, 0, sizeof(*ss));
    struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
    const char *lookup = strcmp(host, "localhost") == 0 ? "127.0.0.1" : host;
    if (inet_pton(AF_INET, lookup, &in4->sin_addr) == 1) {
        in4->sin_family = AF_INET;
        in4->sin_port = htons((uint16_t)port);
        return true;
    }
    if (inet_pton(AF_INET6, lookup, &in6->sin6_addr) == 1) {
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons((uint16_t)port);
        return true;
    }
    return false;
}

static void client_address(struct request *req)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(req->mhd, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    snprintf(req->client, sizeof(req->client), "unknown");
    if (ci && ci->client_addr) {
        const struct sockaddr *sa = ci->client_addr;
        if (sa->sa_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, req->client,
                      sizeof(req->client));
        else if (sa->sa_family == AF_INET6)
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, req->client,
                      sizeof(req->client));
    }
    if (!config->behind_tls_proxy)
        return;
    /* Behind our own proxy, the last X-Forwarded-For hop is the one the proxy added. */
    const char *xff = request_header(req, "X-Forwarded-For");
    if (xff) {
        const char *last = strrchr(xff, ',');
        last = last ? last + 1 : xff;
        while (*last == ' ')
            last++;
        unsigned char buf[sizeof(struct in6_addr)];
        if (inet_pton(AF_INET, last, buf) == 1 || inet_pton(AF_INET6, last, buf) == 1)
            snprintf(req->client, sizeof(req->client), "%s", last);
    }
}

static bool prefers_english(const char *accept_language)
{
    if (!accept_language)
        return false;
    while (*accept_language == ' ')
        accept_language++;
    return strncasecmp(accept_language, "en", 2) == 0;
}

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *con)
{
    (void)cls;
    struct arena *a = arena_new();
    if (!a)
        return NULL;
    struct request *req = arena_alloc(a, sizeof(*req));
    op_init(&req->op, a, &ctx.env, NULL, NULL, OP_HTTP, req->client);
    req->op.request_id = req->request_id;
    req->ctx = &ctx;
    req->mhd = con;
    req->start_mono_ms = clock_mono_ms();
    const char *q = strchr(uri, '?');
    req->path = q ? arena_strndup(a, uri, (size_t)(q - uri)) : arena_strdup(a, uri);
    unsigned char rnd[12];
    randombytes_buf(rnd, sizeof(rnd));
    sodium_bin2hex(req->request_id, sizeof(req->request_id), rnd, sizeof(rnd));
    atomic_fetch_add(&in_flight, 1);
    return req;
}

static void log_access(struct request *req, int status)
{
    char now[32];
    clock_format_iso(clock_now_ms(), now);
    struct strbuf sb = {0};
    strbuf_printf(&sb,
                  "{\"time\":\"%s\",\"level\":\"info\",\"event\":\"http.access\","
                  "\"request_id\":\"%s\",\"method\":",
                  now, req->request_id);
    strbuf_json_string(&sb, req->method ? req->method : "-");
    strbuf_puts(&sb, ",\"path\":");
    strbuf_json_string(&sb, req->path);
    if (req->route) {
        strbuf_puts(&sb, ",\"route\":");
        strbuf_json_string(&sb, req->route->pattern);
    }
    strbuf_printf(&sb, ",\"status\":%d,\"ms\":%lld,\"bytes\":%zu", status,
                  (long long)(clock_mono_ms() - req->start_mono_ms), req->resp_len);
    if (req->op.principal.user_id[0])
        strbuf_printf(&sb, ",\"user_id\":\"%s\"", req->op.principal.user_id);
    if (req->error_code)
        strbuf_printf(&sb, ",\"error\":\"%s\"", req->error_code);
    strbuf_puts(&sb, ",\"client\":");
    strbuf_json_string(&sb, req->client);
    strbuf_puts(&sb, "}");
    log_line(sb.buf);
    strbuf_release(&sb);
}

static void on_completed(void *cls, struct MHD_Connection *con, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls, (void)con, (void)toe;
    struct request *req = *con_cls;
    if (!req)
        return;
    if (log_get_level() <= LOG_INFO && req->method)
        log_access(req, req->status);
    strbuf_release(&req->body);
    free(req->resp_body);
    if (req->op.arena)
        arena_free(req->op.arena);
    else
        free(req); /* an event stream's, detached from its arena */
    *con_cls = NULL;
    atomic_fetch_sub(&in_flight, 1);
}

static void dispatch(struct request *req)
{
    if (atomic_load(&shutting_down)) {
        struct error e = {0};
        error_set(&e, ERR_UNAVAILABLE, NULL);
        response_problem(req, &e);
        response_header(req, "Connection", "close");
        return;
    }
    bool known;
    char allow[128];
    req->route = router_match(req, req->method, req->path, &known, allow, sizeof(allow));
    if (req->route) {
        router_dispatch(req);
        return;
    }
    struct error e = {0};
    bool api = strncmp(req->path, "/api/", 5) == 0 || strcmp(req->path, "/api") == 0 ||
               request_is_fhir(req) || request_is_dicomweb_path(req->path);
    if (!api && (strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0)) {
        static_files_serve(req);
        return;
    }
    if (known || !api) {
        error_set(&e, ERR_METHOD, "%s", req->method);
        response_header(req, "Allow", known ? allow : "GET, HEAD");
    } else {
        error_set(&e, ERR_NOT_FOUND, NULL);
    }
    response_problem(req, &e);
}

static void audit_done(void *arg, bool ok)
{
    struct request *req = arg;
    req->audit_failed = !ok;
    MHD_resume_connection(req->mhd);
}

/* An event stream lasts for hours once its answer is queued, and needs nothing of its request
 * but what the access log says at its end: that moves to a block of its own, and the arena (8
 * KiB or more, for each open stream) is freed. NULL when out of memory. */
static struct request *detach(struct request *req)
{
    size_t method_len = strlen(req->method) + 1, path_len = strlen(req->path) + 1;
    struct request *kept = calloc(1, sizeof(*kept) + method_len + path_len);
    if (!kept)
        return NULL;
    char *text = (char *)(kept + 1);
    kept->method = memcpy(text, req->method, method_len);
    kept->path = memcpy(text + method_len, req->path, path_len);
    memcpy(kept->request_id, req->request_id, sizeof(kept->request_id));
    memcpy(kept->client, req->client, sizeof(kept->client));
    memcpy(kept->op.principal.user_id, req->op.principal.user_id,
           sizeof(kept->op.principal.user_id));
    kept->ctx = req->ctx;
    kept->mhd = req->mhd;
    kept->route = req->route;
    kept->start_mono_ms = req->start_mono_ms;
    kept->status = req->status;
    kept->error_code = req->error_code; /* a static name */
    strbuf_release(&req->body);
    arena_free(req->op.arena); /* req itself lives in it */
    return kept;               /* on_completed frees it (its op.arena is NULL) */
}

/* Queues req's answer; con_cls is MHD's pointer to req (an event stream's request is replaced
 * by its detached copy). */
static enum MHD_Result queue(struct request *req, void **con_cls)
{
    struct MHD_Response *r = response_build(req);
    if (!r)
        return MHD_NO;
    enum MHD_Result ret = MHD_queue_response(req->mhd, (unsigned)req->status, r);
    MHD_destroy_response(r);
    struct request *kept = ret == MHD_YES && req->event_stream ? detach(req) : NULL;
    if (kept)
        *con_cls = kept;
    return ret;
}

/* FHIR interactions carry documents and Bundles, STOW-RS whole studies: they have their own,
 * larger limits. */
static size_t body_limit_of(const char *url)
{
    if (request_is_photo_path(url))
        return REQUEST_PHOTO_BODY_LIMIT;
    if (request_is_upload_path(url))
        return ctx.dicomweb_body_limit;
    return strncmp(url, "/fhir", 5) == 0 && (url[5] == '\0' || url[5] == '/') ? ctx.fhir_body_limit
                                                                              : ctx.body_limit;
}

static bool declared_too_large(struct request *req, size_t limit)
{
    const char *cl = request_header(req, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (!cl)
        return false;
    char *end;
    errno = 0;
    unsigned long long n = strtoull(cl, &end, 10);
    return errno != 0 || *end || n > limit;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *con, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    (void)cls, (void)url, (void)version;
    struct request *req = *con_cls;
    if (!req)
        return MHD_NO;
    if (!req->method) {
        /* First call: headers are in. Refuse an announced oversize body before reading it. */
        req->method = arena_strdup(req->op.arena, method);
        req->english = prefers_english(request_header(req, MHD_HTTP_HEADER_ACCEPT_LANGUAGE));
        client_address(req);
        req->body_limit = body_limit_of(url);
        if (declared_too_large(req, req->body_limit)) {
            struct error e = {0};
            error_set(&e, ERR_BODY_TOO_LARGE, "limit %zu bytes", req->body_limit);
            response_problem(req, &e);
            response_header(req, "Connection", "close");
            return queue(req, con_cls);
        }
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        if (req->body.len + *upload_data_size > req->body_limit)
            req->body_too_large = true;
        else if (!req->body_too_large)
            strbuf_append(&req->body, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (req->waiting_audit) {
        /* Resumed by the audit writer: the read's records are durable, or the request fails. */
        req->waiting_audit = false;
        if (req->audit_failed) {
            struct error e = {0};
            error_set(&e, audit_failure_code(), "group commit failed");
            response_problem(req, &e);
        }
        return queue(req, con_cls);
    }
    if (req->status)
        return MHD_YES; /* already answered */
    dispatch(req);
    if (req->op.read_count == 0)
        return queue(req, con_cls);
    /* The response leaves only once its audit records are durable: park the connection (the
     * worker thread goes on with others) until the group commit has them. */
    req->waiting_audit = true;
    MHD_suspend_connection(con);
    audit_append_async(ctx.env.store, req->op.reads, req->op.read_count, &req->audit_ticket,
                       audit_done, req);
    return MHD_YES;
}

__attribute__((format(printf, 2, 0))) static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char msg[512];
    vsnprintf(msg, sizeof(msg), fmt, ap);
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
        msg[--n] = '\0';
    log_msg(LOG_WARN, "http.mhd", "%s", msg);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct strbuf sb = {0};
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
        strbuf_append(&sb, buf, n);
    fclose(f);
    return strbuf_steal(&sb);
}

unsigned server_connection_limit(int wanted, unsigned long long fd_limit)
{
    unsigned long long n = wanted > 0 ? (unsigned long long)wanted : SERVER_MAX_CONNECTIONS;
    unsigned long long room = fd_limit > SERVER_FD_RESERVE + 16 ? fd_limit - SERVER_FD_RESERVE : 16;
    return (unsigned)(n < room ? n : room);
}

/* glibc gives threads that allocate at once arenas of their own, up to eight per core, and each
 * keeps what was freed in it: after the API benchmark's load the server held about 3 MB more with
 * them (30.5 MB RSS) than with as many arenas as cores (27.3 MB), at the same throughput. An
 * operator's MALLOC_ARENA_MAX still decides. */
static void limit_malloc_arenas(void)
{
    if (getenv("MALLOC_ARENA_MAX"))
        return;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    mallopt(M_ARENA_MAX, cores > 2 ? (int)cores : 2);
}

/* Every connection (an idle event stream too) holds a file descriptor. The soft limit is often
 * far below the hard one (1024 against 524288 under systemd): it goes up to the hard limit, and
 * the connection limit comes down to what it leaves. */
static unsigned connection_limit(void)
{
    struct rlimit rl;
    unsigned long long fds = 1024, before = 0;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
        before = rl.rlim_cur;
        /* an unlimited hard limit is refused by setrlimit: the kernel's default fs.nr_open */
        rlim_t hard = rl.rlim_max == RLIM_INFINITY ? 1048576 : rl.rlim_max;
        struct rlimit raised = {hard, rl.rlim_max};
        if (rl.rlim_cur < hard && setrlimit(RLIMIT_NOFILE, &raised) == 0)
            rl.rlim_cur = hard;
        fds = rl.rlim_cur;
    }
    int wanted = config->max_connections > 0 ? config->max_connections : SERVER_MAX_CONNECTIONS;
    unsigned limit = server_connection_limit(wanted, fds);
    if (limit < (unsigned)wanted)
        log_msg(LOG_WARN, "serve.max_connections",
                "%u connections at most, not %d: the file descriptor limit is %llu (raise it, "
                "e.g. LimitNOFILE= in the systemd unit, or lower --max-connections)",
                limit, wanted, fds);
    else if (before < fds)
        log_msg(LOG_INFO, "serve.fd_limit", "file descriptor limit raised from %llu to %llu",
                before, fds);
    return limit;
}

static struct MHD_Daemon *start_daemon(const struct sockaddr_storage *ss, char *cert, char *key,
                                       unsigned max_connections)
{
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
                     MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME;
    if (ss->ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    if (cert)
        flags |= MHD_USE_TLS;
    struct MHD_OptionItem tls_opts[] = {
        {MHD_OPTION_HTTPS_MEM_CERT, 0, cert},
        {MHD_OPTION_HTTPS_MEM_KEY, 0, key},
        {MHD_OPTION_HTTPS_PRIORITIES, 0, "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"},
        {MHD_OPTION_END, 0, NULL},
    };
    struct MHD_OptionItem no_opts[] = {{MHD_OPTION_END, 0, NULL}};
    /* The logger goes first so that MHD reports nothing through its own stderr logger. */
    return MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, NULL, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
        MHD_OPTION_SOCK_ADDR, (const struct sockaddr *)ss, MHD_OPTION_THREAD_POOL_SIZE,
        (unsigned)config->workers, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60,
        MHD_OPTION_CONNECTION_LIMIT, max_connections, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)(32 * 1024), MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL, MHD_OPTION_NOTIFY_COMPLETED,
        on_completed, NULL, MHD_OPTION_ARRAY, cert ? tls_opts : no_opts, MHD_OPTION_END);
}

static int wait_for_signal(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    int sig = 0;
    sigwait(&set, &sig);
    return sig;
}

/* From here new requests are answered 503 with Connection: close (dispatch). The listening
 * socket stays open until MHD_stop_daemon: MHD_quiesce_daemon races with the epoll workers of a
 * thread pool in libmicrohttpd 0.9.75 (it aborts when a worker has taken the socket out of its
 * epoll set first: daemon.c, MHD_quiesce_daemon, "Failed to remove listen FD from epoll set"). */
static void drain(void)
{
    atomic_store(&shutting_down, true);
    /* Event streams never finish by themselves: end them (their suspended connections are
     * resumed and answer end-of-stream), so that none is left suspended at MHD_stop_daemon. */
    events_shutdown();
    /* Let in-flight requests finish (bounded): they hold the store and the audit writer. */
    for (int i = 0; i < 300 && atomic_load(&in_flight) > 0; i++) {
        struct timespec ts = {0, 50 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
}

static bool check_transport(const char *host)
{
    bool tls = config->tls_cert && config->tls_key;
    if ((config->tls_cert != NULL) != (config->tls_key != NULL)) {
        log_msg(LOG_ERROR, "serve.config", "give both --tls-cert and --tls-key");
        return false;
    }
    if (!tls && !config->behind_tls_proxy && !server_host_is_loopback(host)) {
        log_msg(LOG_ERROR, "serve.refused",
                "refusing to serve patient data without TLS on %s: configure --tls-cert and "
                "--tls-key, or pass --behind-tls-proxy if a TLS proxy terminates connections",
                host);
        return false;
    }
    return true;
}

int server_run(const struct server_config *cfg)
{
    config = cfg;
    struct error table_err = {0};
    int route_count;
    const struct route *const *routes = router_table(&route_count);
    if (!router_table_check(&table_err, routes, route_count)) {
        log_msg(LOG_ERROR, "serve.routes", "%s", table_err.detail);
        return 2;
    }
    struct sockaddr_storage ss;
    char host[256];
    if (!parse_listen(cfg->listen, &ss, host, sizeof(host))) {
        log_msg(LOG_ERROR, "serve.config", "invalid --listen address %s (use HOST:PORT)",
                cfg->listen);
        return 2;
    }
    if (!check_transport(host))
        return 2;

    /* Signals are taken by sigwait in this thread only. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    struct error err = {0};
    int code = 1;
    char *cert = NULL, *key = NULL;
    struct stat dir_stat;
    if (stat(cfg->data_dir, &dir_stat) != 0 || !S_ISDIR(dir_stat.st_mode)) {
        log_msg(LOG_ERROR, "serve.data_dir",
                "no data directory %s: create it with 'tsunagu init --data-dir %s' (add --demo "
                "for the demo region)",
                cfg->data_dir, cfg->data_dir);
        return 1;
    }
    log_async_start();
    ctx.env.store = store_open(&err, cfg->data_dir);
    if (!ctx.env.store) {
        log_msg(LOG_ERROR, "serve.store", "cannot open the store in %s: %s", cfg->data_dir,
                err.detail);
        log_async_stop();
        return 1;
    }
    if (!store_maintenance_start(&err, ctx.env.store))
        goto fail_store;
    ctx.timeouts.idle_ms = (int64_t)cfg->idle_timeout_s * 1000;
    ctx.timeouts.absolute_ms = (int64_t)cfg->absolute_timeout_s * 1000;
    ctx.body_limit = cfg->body_limit;
    ctx.fhir_body_limit = cfg->fhir_body_limit ? cfg->fhir_body_limit : 32 * 1024 * 1024;
    ctx.dicomweb_body_limit =
        cfg->dicomweb_body_limit ? cfg->dicomweb_body_limit : (size_t)512 * 1024 * 1024;
    if (!(ctx.env.blobs = blobs_open(&err, cfg->data_dir)))
        goto fail_store;
    ctx.tls = (cfg->tls_cert && cfg->tls_key) || cfg->behind_tls_proxy;
    static char dummy_hash[PASSWORD_HASH_MAX];
    if (!password_hash(&err, "tsunagu-timing-equaliser", dummy_hash))
        goto fail_store;
    ctx.dummy_password_hash = dummy_hash;
    ctx.env.emergency_access_ms =
        (int64_t)(cfg->emergency_access_s > 0 ? cfg->emergency_access_s : 86400) * 1000;
    ctx.env.status_stale_ms =
        (int64_t)(cfg->status_stale_s > 0 ? cfg->status_stale_s : 86400) * 1000;
    ctx.env.referral_share_ms =
        (int64_t)(cfg->referral_share_days > 0 ? cfg->referral_share_days : 90) * 86400 * 1000;
    ctx.env.letter_font = cfg->letter_font && cfg->letter_font[0] ? cfg->letter_font : NULL;
    if (!letter_pdf_font_ready(&err,
                               ctx.env.letter_font)) { /* letters fail; everything else works */
        log_msg(LOG_WARN, "serve.letter_font", "no Japanese font for referral letters (%s)",
                err.detail);
        error_clear(&err);
    }
    if (!audit_writer_start(&err, ctx.env.store))
        goto fail_store;
    ctx.sse_heartbeat_ms = (int64_t)(cfg->sse_heartbeat_s > 0 ? cfg->sse_heartbeat_s : 15) * 1000;
    events_reopen();
    /* Every second: emergency grants' ends, and heartbeats of idle event streams. */
    if (!sweeper_start(&err, &ctx.env, 1000, ctx.sse_heartbeat_ms))
        goto fail_writer;
    static_files_load(&err, cfg->static_dir);
    if (cfg->tls_cert) {
        cert = slurp(cfg->tls_cert);
        key = slurp(cfg->tls_key);
        if (!cert || !key) {
            log_msg(LOG_ERROR, "serve.tls", "cannot read the TLS certificate or key");
            goto fail_writer;
        }
    }
    if (cfg->public_url && cfg->public_url[0]) {
        set_public_url(0, cfg->public_url);
    } else {
        char given[320];
        snprintf(given, sizeof given, "%s://%s", cert ? "https" : "http", cfg->listen);
        set_public_url(0, given);
        if (cfg->behind_tls_proxy)
            log_msg(LOG_WARN, "serve.public_url",
                    "behind a TLS proxy without --public-url: FHIR links name %s", given);
    }
    limit_malloc_arenas();
    unsigned max_connections = connection_limit();
    struct MHD_Daemon *d = start_daemon(&ss, cert, key, max_connections);
    if (!d) {
        log_msg(LOG_ERROR, "serve.listen", "cannot listen on %s", cfg->listen);
        goto fail_writer;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    char url[320];
    snprintf(url, sizeof(url), "%s://%s%s%s:%u/", cert ? "https" : "http",
             strchr(host, ':') ? "[" : "", host, strchr(host, ':') ? "]" : "",
             info ? info->port : 0);
    if (!(cfg->public_url && cfg->public_url[0]))
        set_public_url(1, url);
    if (cfg->services_start && !cfg->services_start(&err, &ctx.env)) {
        log_msg(LOG_ERROR, "serve.services", "%s", err.detail);
        MHD_stop_daemon(d);
        goto fail_writer;
    }
    log_msg(LOG_INFO, "serve.started", "listening on %s (%d workers, up to %u connections)", url,
            cfg->workers, max_connections);
    if (cfg->on_ready)
        cfg->on_ready(ctx.env.store, url);
    int sig = wait_for_signal();
    log_msg(LOG_INFO, "serve.stopping", "signal %d: finishing in-flight requests", sig);
    if (cfg->services_stop)
        cfg->services_stop();
    drain();
    MHD_stop_daemon(d);
    code = 0;
fail_writer:
    sweeper_stop();
    audit_writer_stop();
    static_files_free();
fail_store:
    if (ctx.env.blobs)
        blobs_close(ctx.env.blobs);
    store_close(ctx.env.store);
    if (key)
        sodium_memzero(key, strlen(key));
    free(cert);
    free(key);
    if (code == 0)
        log_msg(LOG_INFO, "serve.stopped", "store closed cleanly");
    log_async_stop();
    return code;
}
