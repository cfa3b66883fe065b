/* SPDX-License-Identifier: Apache-2.0 */
/* The C-STORE SCP's listener and its pool of association threads. One listener thread accepts
 * TCP connections and hands each to an idle association thread (scp_assoc.c runs the
 * association); when all are busy the connection is rejected (A-ASSOCIATE-RJ, transient). The
 * threads live as long as the server, so each keeps its one store connection. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "dicom/ul.h"
#include "scp_int.h"

#define MAX_THREADS 64

static struct {
    bool running;
    struct imaging_scp_config cfg;
    const struct op_env *env;
    int listen_fd, wake[2], port;
    pthread_t listener, workers[MAX_THREADS];
    int worker_count;
    pthread_mutex_t lock;
    pthread_cond_t cond, freed;
    int queue[MAX_THREADS], queued; /* accepted sockets waiting for a worker */
    int busy;                       /* associations queued or running */
    int active_fd[MAX_THREADS];     /* each worker's socket, -1 when idle */
    atomic_bool stopping;
} scp = {.listen_fd = -1, .wake = {-1, -1}};

int imaging_scp_port(void)
{
    return scp.running ? scp.port : 0;
}

static void *worker(void *arg)
{
    int self = (int)(intptr_t)arg;
    struct error err = {0};
    struct store_conn *conn = store_conn_get(&err, scp.env->store);
    for (;;) {
        pthread_mutex_lock(&scp.lock);
        while (scp.queued == 0 && !atomic_load(&scp.stopping))
            pthread_cond_wait(&scp.cond, &scp.lock);
        if (atomic_load(&scp.stopping)) {
            pthread_mutex_unlock(&scp.lock);
            break;
        }
        int fd = scp.queue[--scp.queued];
        scp.active_fd[self] = fd;
        pthread_mutex_unlock(&scp.lock);
        if (conn)
            scp_association_run(fd, scp.env, &scp.cfg, conn);
        else
            scp_reject_busy(fd); /* no store connection: nothing can be stored */
        close(fd);
        pthread_mutex_lock(&scp.lock);
        scp.active_fd[self] = -1;
        scp.busy--;
        pthread_cond_signal(&scp.freed);
        pthread_mutex_unlock(&scp.lock);
    }
    return NULL;
}

static void tune_socket(int fd, int timeout_s)
{
    int one = 1; /* DCMTK's SCUs wait for an ACK per PDU otherwise (Nagle + delayed ACK) */
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct timeval tv = {.tv_sec = timeout_s};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

/* Queues fd for a worker. When all are busy it waits a moment for one (a sender that reconnects
 * right after its release), then rejects. */
static void dispatch(int fd)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_nsec += 200 * 1000 * 1000;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&scp.lock);
    while (scp.busy >= scp.worker_count && !atomic_load(&scp.stopping) &&
           pthread_cond_timedwait(&scp.freed, &scp.lock, &until) == 0) {
    }
    bool free_worker = scp.busy < scp.worker_count && !atomic_load(&scp.stopping);
    if (free_worker) {
        scp.busy++;
        scp.queue[scp.queued++] = fd;
        pthread_cond_signal(&scp.cond);
    }
    pthread_mutex_unlock(&scp.lock);
    if (!free_worker) {
        log_msg(LOG_WARN, "dicom.busy", "all %d associations in use: rejecting a connection",
                scp.worker_count);
        tune_socket(fd, 1);
        scp_reject_busy(fd);
        close(fd);
    }
}

static void *listener(void *arg)
{
    (void)arg;
    struct pollfd p[2] = {{.fd = scp.listen_fd, .events = POLLIN},
                          {.fd = scp.wake[0], .events = POLLIN}};
    while (!atomic_load(&scp.stopping)) {
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (p[1].revents)
            break;
        if (!(p[0].revents & POLLIN))
            continue;
        int fd = accept4(scp.listen_fd, NULL, NULL, SOCK_CLOEXEC);
        if (fd < 0)
            continue;
        tune_socket(fd, scp.cfg.timeout_s);
        dispatch(fd);
    }
    return NULL;
}

static bool listen_on(struct error *err, const char *host, int port)
{
    char service[16];
    snprintf(service, sizeof service, "%d", port);
    struct addrinfo hints = {.ai_family = AF_UNSPEC,
                             .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE | AI_NUMERICSERV},
                    *res = NULL;
    if (getaddrinfo(host, service, &hints, &res) != 0 || !res)
        return error_set(err, ERR_USAGE, "--dicom-port: cannot resolve %s", host);
    int fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    bool ok = fd >= 0 && bind(fd, res->ai_addr, res->ai_addrlen) == 0 && listen(fd, 64) == 0;
    freeaddrinfo(res);
    if (!ok) {
        if (fd >= 0)
            close(fd);
        return error_set(err, ERR_USAGE, "cannot listen for DICOM on %s:%d (%s)", host, port,
                         strerror(errno));
    }
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    getsockname(fd, (struct sockaddr *)&ss, &len);
    scp.port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                              : ((struct sockaddr_in *)&ss)->sin_port);
    scp.listen_fd = fd;
    return true;
}

static void config_defaults(const struct imaging_scp_config *in)
{
    scp.cfg = *in;
    struct imaging_scp_config *c = &scp.cfg;
    if (!c->host || !c->host[0])
        c->host = "127.0.0.1";
    if (c->max_associations <= 0)
        c->max_associations = 8;
    if (c->max_associations > MAX_THREADS)
        c->max_associations = MAX_THREADS;
    if (c->max_pdu < 4096)
        c->max_pdu = c->max_pdu ? 4096 : 256 * 1024;
    if (c->timeout_s <= 0)
        c->timeout_s = 30;
    if (!c->max_object)
        c->max_object = (size_t)512 * 1024 * 1024;
    if (!c->aet || !c->aet[0])
        c->aet = "TSUNAGU";
}

bool imaging_scp_start(struct error *err, const struct op_env *env,
                       const struct imaging_scp_config *cfg)
{
    if (scp.running)
        return true;
    config_defaults(cfg);
    scp.env = env;
    atomic_store(&scp.stopping, false);
    if (!listen_on(err, scp.cfg.host, cfg->port))
        return false;
    if (pipe2(scp.wake, O_CLOEXEC) != 0) {
        close(scp.listen_fd);
        return error_set(err, ERR_INTERNAL, "pipe: %s", strerror(errno));
    }
    pthread_mutex_init(&scp.lock, NULL);
    pthread_cond_init(&scp.cond, NULL);
    pthread_cond_init(&scp.freed, NULL);
    scp.queued = scp.busy = scp.worker_count = 0;
    for (int i = 0; i < scp.cfg.max_associations; i++) {
        scp.active_fd[i] = -1;
        if (pthread_create(&scp.workers[i], NULL, worker, (void *)(intptr_t)i) != 0)
            break;
        scp.worker_count++;
    }
    if (scp.worker_count == 0 || pthread_create(&scp.listener, NULL, listener, NULL) != 0) {
        scp.running = true; /* so that stop joins what started */
        imaging_scp_stop();
        return error_set(err, ERR_INTERNAL, "cannot start the DICOM threads");
    }
    scp.running = true;
    log_msg(LOG_INFO, "dicom.started", "C-STORE SCP %s listening on %s:%d (%d associations)",
            scp.cfg.aet, scp.cfg.host, scp.port, scp.worker_count);
    return true;
}

void imaging_scp_stop(void)
{
    if (!scp.running)
        return;
    atomic_store(&scp.stopping, true);
    if (write(scp.wake[1], "x", 1) < 0) { /* the listener polls it */
    }
    pthread_mutex_lock(&scp.lock);
    for (int i = 0; i < scp.worker_count; i++) /* wake associations blocked in read */
        if (scp.active_fd[i] >= 0)
            shutdown(scp.active_fd[i], SHUT_RDWR);
    pthread_cond_broadcast(&scp.cond);
    pthread_mutex_unlock(&scp.lock);
    if (scp.listener)
        pthread_join(scp.listener, NULL);
    for (int i = 0; i < scp.worker_count; i++)
        pthread_join(scp.workers[i], NULL);
    while (scp.queued > 0)
        close(scp.queue[--scp.queued]);
    close(scp.listen_fd);
    close(scp.wake[0]);
    close(scp.wake[1]);
    scp.listen_fd = scp.wake[0] = scp.wake[1] = -1;
    scp.listener = 0;
    pthread_cond_destroy(&scp.cond);
    pthread_cond_destroy(&scp.freed);
    pthread_mutex_destroy(&scp.lock);
    scp.running = false;
    log_msg(LOG_INFO, "dicom.stopped", "C-STORE SCP stopped");
}
