/* SPDX-License-Identifier: Apache-2.0 */
/* The libmicrohttpd floor of bench/floor.sh: answers every GET with the same fixed body, in the
 * daemon mode tsunagu's src/http/server.c uses (a pool of epoll worker threads, suspend/resume
 * allowed, the same connection limits), with the same headers. Nothing else: no routing, no
 * session, no audit, so what it costs is what libmicrohttpd costs.
 *
 * usage: mhd BODY_FILE --port PORT [--workers N] [--suspend]
 *   --suspend  parks every request with MHD_suspend_connection and has another thread resume it,
 *              as tsunagu does while a read waits for its audit record to be durable.
 * Listens on 127.0.0.1 only; runs until SIGTERM or SIGINT. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "floor.h"

static bool suspend;

/* One request in flight (MHD's con_cls); next links it into the resumer's queue. */
struct req {
    struct MHD_Connection *con;
    bool parked;
    struct req *next;
};

/* The resumer's queue: the workers push suspended requests, one thread resumes them. */
static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t queue_cond = PTHREAD_COND_INITIALIZER;
static struct req *queue_head, **queue_tail = &queue_head;

static void park(struct req *r)
{
    r->next = NULL;
    pthread_mutex_lock(&queue_lock);
    *queue_tail = r;
    queue_tail = &r->next;
    pthread_cond_signal(&queue_cond);
    pthread_mutex_unlock(&queue_lock);
}

/* Takes the whole queue at each wake-up and resumes its connections, oldest first. */
static void *resumer(void *arg)
{
    (void)arg;
    for (;;) {
        pthread_mutex_lock(&queue_lock);
        while (!queue_head)
            pthread_cond_wait(&queue_cond, &queue_lock);
        struct req *r = queue_head;
        queue_head = NULL;
        queue_tail = &queue_head;
        pthread_mutex_unlock(&queue_lock);
        while (r) {
            struct req *next = r->next; /* r may be answered and freed once resumed */
            MHD_resume_connection(r->con);
            r = next;
        }
    }
    return NULL;
}

/* A response per request with the headers tsunagu adds, as src/http/response.c builds them. */
static enum MHD_Result answer(struct MHD_Connection *con)
{
    struct MHD_Response *res =
        MHD_create_response_from_buffer(floor_body_len, floor_body, MHD_RESPMEM_PERSISTENT);
    if (!res)
        return MHD_NO;
    for (int i = 0; i < FLOOR_HEADERS; i++)
        MHD_add_response_header(res, floor_headers[i][0], floor_headers[i][1]);
    enum MHD_Result ret = MHD_queue_response(con, MHD_HTTP_OK, res);
    MHD_destroy_response(res);
    return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *con, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    (void)cls, (void)url, (void)version, (void)upload_data;
    struct req *r = *con_cls;
    if (!r) { /* first call: the headers are in; answer on the next one, as tsunagu does */
        if (strcmp(method, "GET") != 0 || !(r = calloc(1, sizeof(*r))))
            return MHD_NO;
        r->con = con;
        *con_cls = r;
        return MHD_YES;
    }
    if (*upload_data_size) { /* a body: ignored */
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (suspend && !r->parked) { /* called again once the resumer has resumed the connection */
        r->parked = true;
        MHD_suspend_connection(con);
        park(r);
        return MHD_YES;
    }
    return answer(con);
}

static void on_completed(void *cls, struct MHD_Connection *con, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls, (void)con, (void)toe;
    free(*con_cls);
    *con_cls = NULL;
}

static void usage(void)
{
    fprintf(stderr, "usage: mhd BODY_FILE --port PORT [--workers N] [--suspend]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    const char *path = NULL;
    unsigned port = 0, workers = 4;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--port") == 0 && i + 1 < argc)
            port = (unsigned)atoi(argv[++i]);
        else if (strcmp(argv[i], "--workers") == 0 && i + 1 < argc)
            workers = (unsigned)atoi(argv[++i]);
        else if (strcmp(argv[i], "--suspend") == 0)
            suspend = true;
        else if (argv[i][0] != '-' && !path)
            path = argv[i];
        else
            usage();
    }
    if (!path || port == 0 || port > 65535 || workers == 0)
        usage();
    floor_load_body(path);

    /* The signals are taken by sigwait below: block them before any thread starts. */
    sigset_t sigs;
    floor_block_signals(&sigs);
    pthread_t thread;
    if (suspend && pthread_create(&thread, NULL, resumer, NULL) != 0) {
        fprintf(stderr, "mhd: cannot start the resumer thread\n");
        return 1;
    }

    /* The flags and options of tsunagu's start_daemon (src/http/server.c), without TLS. */
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
                     MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME;
    struct sockaddr_in sa = {.sin_family = AF_INET,
                             .sin_port = htons((uint16_t)port),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    struct MHD_Daemon *d = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, NULL, MHD_OPTION_SOCK_ADDR, (const struct sockaddr *)&sa,
        MHD_OPTION_THREAD_POOL_SIZE, workers, MHD_OPTION_CONNECTION_TIMEOUT, 60U,
        MHD_OPTION_CONNECTION_LIMIT, 16384U, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)32 * 1024,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "mhd: cannot start the daemon on 127.0.0.1:%u\n", port);
        return 1;
    }
    int sig;
    sigwait(&sigs, &sig);
    /* No MHD_stop_daemon: it aborts on a connection still suspended, and a request may have
     * just been parked. The process ends and the kernel closes the sockets. */
    return 0;
}
