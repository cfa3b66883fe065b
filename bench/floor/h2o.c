/* SPDX-License-Identifier: Apache-2.0 */
/* The h2o floor of bench/floor.sh: a minimal HTTP/1.1 server on libh2o-evloop that answers every
 * GET with the same fixed body and the same headers as bench/floor/mhd.c. One event loop per
 * thread, each with its own listening socket on the same port (SO_REUSEPORT: the kernel spreads
 * the connections over them). No routing, no TLS, no HTTP/2 negotiation.
 *
 * usage: h2o BODY_FILE --port PORT [--threads N]
 * Listens on 127.0.0.1 only; runs until SIGTERM or SIGINT. */
#define _GNU_SOURCE
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <h2o.h>

#include "floor.h"

static unsigned port;
static h2o_globalconf_t config; /* shared by the threads, read-only once they run */

/* What each thread owns: its listening socket, its loop's context and its accept context. */
struct thread {
    int fd;
    h2o_context_t ctx;
    h2o_accept_ctx_t accept_ctx;
};

static void add(h2o_req_t *req, const char *name, const char *value)
{
    h2o_add_header_by_str(&req->pool, &req->res.headers, name, strlen(name), 1, NULL, value,
                          strlen(value));
}

static int on_req(h2o_handler_t *self, h2o_req_t *req)
{
    (void)self;
    static h2o_generator_t generator = {NULL, NULL}; /* the body goes out in one h2o_send */
    if (!h2o_memis(req->method.base, req->method.len, H2O_STRLIT("GET")))
        return -1; /* h2o answers 404 */
    req->res.status = 200;
    req->res.reason = "OK";
    req->res.content_length = floor_body_len;
    for (int i = 0; i < FLOOR_HEADERS; i++)
        add(req, floor_headers[i][0], floor_headers[i][1]);
    h2o_start_response(req, &generator);
    /* not copied: the body lives forever */
    h2o_iovec_t buf = h2o_iovec_init(floor_body, floor_body_len);
    h2o_send(req, &buf, 1, H2O_SEND_STATE_FINAL);
    return 0;
}

static void on_accept(h2o_socket_t *listener, const char *err)
{
    if (err)
        return;
    h2o_socket_t *sock = h2o_evloop_socket_accept(listener);
    if (sock)
        h2o_accept(listener->data, sock);
}

/* A listening socket of its own on 127.0.0.1:port; -1 on error. */
static int listen_socket(void)
{
    struct sockaddr_in sa = {.sin_family = AF_INET,
                             .sin_port = htons((uint16_t)port),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int one = 1;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
        setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) != 0 ||
        bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(fd, SOMAXCONN) != 0) {
        perror("h2o: listen");
        return -1;
    }
    return fd;
}

/* A thread: its own event loop around its own listener, for good. */
static void *run(void *arg)
{
    struct thread *t = arg;
    h2o_context_init(&t->ctx, h2o_evloop_create(), &config);
    t->accept_ctx.ctx = &t->ctx;
    t->accept_ctx.hosts = config.hosts;
    h2o_socket_t *listener =
        h2o_evloop_socket_create(t->ctx.loop, t->fd, H2O_SOCKET_FLAG_DONT_READ);
    listener->data = &t->accept_ctx;
    h2o_socket_read_start(listener, on_accept);
    while (h2o_evloop_run(t->ctx.loop, INT32_MAX) == 0)
        ;
    return NULL;
}

static void usage(void)
{
    fprintf(stderr, "usage: h2o BODY_FILE --port PORT [--threads N]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    const char *path = NULL;
    int threads = 2;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--port") == 0 && i + 1 < argc)
            port = (unsigned)atoi(argv[++i]);
        else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc)
            threads = atoi(argv[++i]);
        else if (argv[i][0] != '-' && !path)
            path = argv[i];
        else
            usage();
    }
    if (!path || port == 0 || port > 65535 || threads < 1)
        usage();
    floor_load_body(path);

    h2o_config_init(&config);
    h2o_hostconf_t *host =
        h2o_config_register_host(&config, h2o_iovec_init(H2O_STRLIT("default")), 65535);
    h2o_pathconf_t *pathconf = h2o_config_register_path(host, "/", 0);
    h2o_create_handler(pathconf, sizeof(h2o_handler_t))->on_req = on_req;

    /* The signals are taken by sigwait below: block them before any thread starts. */
    signal(SIGPIPE, SIG_IGN);
    sigset_t sigs;
    floor_block_signals(&sigs);

    /* All listeners are bound before any thread runs: a connection accepted by the kernel into a
     * thread's backlog is served once that thread's loop runs. */
    struct thread *ts = calloc((size_t)threads, sizeof(*ts));
    if (!ts)
        return 1;
    for (int i = 0; i < threads; i++)
        if ((ts[i].fd = listen_socket()) < 0)
            return 1;
    for (int i = 0; i < threads; i++) {
        pthread_t thread;
        if (pthread_create(&thread, NULL, run, &ts[i]) != 0) {
            fprintf(stderr, "h2o: cannot start thread %d\n", i);
            return 1;
        }
    }
    int sig;
    sigwait(&sigs, &sig);
    return 0; /* the kernel closes the sockets */
}
