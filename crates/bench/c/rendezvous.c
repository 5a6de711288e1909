/* pipeline1 in C with unbuffered (rendezvous) channels made of a mutex and a
 * condition variable: counter -> squarer -> printer, three OS threads.
 *
 *   gcc -O2 -pthread rendezvous.c -o rendezvous
 *   ./rendezvous | head -n 100000     # like pipeline1, forever until SIGPIPE
 *   ./rendezvous N                    # N squares, then exit
 *
 * A send returns only once the receiver has taken the value, as with Go's
 * unbuffered channel, so every item costs two thread hand-offs: a futex wake
 * and a context switch each. stdout is stdio's: fully buffered on a pipe. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

struct chan {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    long value;
    int full;   /* a value waits to be taken */
    int closed;
};

static void chan_init(struct chan *c) {
    pthread_mutex_init(&c->mu, NULL);
    pthread_cond_init(&c->cv, NULL);
    c->full = 0;
    c->closed = 0;
}

static void chan_send(struct chan *c, long v) {
    pthread_mutex_lock(&c->mu);
    while (c->full)
        pthread_cond_wait(&c->cv, &c->mu);
    c->value = v;
    c->full = 1;
    pthread_cond_broadcast(&c->cv);
    while (c->full) /* rendezvous: wait until the receiver has it */
        pthread_cond_wait(&c->cv, &c->mu);
    pthread_mutex_unlock(&c->mu);
}

static void chan_close(struct chan *c) {
    pthread_mutex_lock(&c->mu);
    c->closed = 1;
    pthread_cond_broadcast(&c->cv);
    pthread_mutex_unlock(&c->mu);
}

/* Returns 0 once the channel is closed and drained. */
static int chan_recv(struct chan *c, long *v) {
    pthread_mutex_lock(&c->mu);
    while (!c->full && !c->closed)
        pthread_cond_wait(&c->cv, &c->mu);
    int ok = c->full;
    if (ok) {
        *v = c->value;
        c->full = 0;
        pthread_cond_broadcast(&c->cv);
    }
    pthread_mutex_unlock(&c->mu);
    return ok;
}

static struct chan naturals, squares;
static long limit; /* 0: forever */

static void *counter(void *arg) {
    (void)arg;
    for (long x = 0; limit == 0 || x < limit; x++)
        chan_send(&naturals, x);
    chan_close(&naturals);
    return NULL;
}

static void *squarer(void *arg) {
    (void)arg;
    long x;
    while (chan_recv(&naturals, &x))
        chan_send(&squares, x * x);
    chan_close(&squares);
    return NULL;
}

int main(int argc, char **argv) {
    pthread_t t1, t2;
    long x;
    limit = argc > 1 ? atol(argv[1]) : 0;
    chan_init(&naturals);
    chan_init(&squares);
    pthread_create(&t1, NULL, counter, NULL);
    pthread_create(&t2, NULL, squarer, NULL);
    while (chan_recv(&squares, &x)) /* printer */
        printf("%ld\n", x);
    return 0;
}
