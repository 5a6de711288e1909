/* The floor for one OS thread per client: start N threads that block at once
 * and do nothing, then report this process's resident memory.
 *
 *   gcc -O2 -pthread threads_idle.c -o threads_idle
 *   ./threads_idle [N=10000] [STACK_KIB=0 (glibc default)]
 *
 * Prints one line: "threads N rss_kib R hwm_kib H pte_kib P" (P: page
 * tables, which VmRSS does not count). Each thread costs what
 * the kernel and glibc must give any thread: a touched stack page and the
 * page holding its thread control block and TLS. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t started_cv = PTHREAD_COND_INITIALIZER;
static pthread_cond_t never_cv = PTHREAD_COND_INITIALIZER;
static long started;

static void *idle(void *arg) {
    (void)arg;
    pthread_mutex_lock(&mu);
    started++;
    pthread_cond_signal(&started_cv);
    for (;;) /* block for good: nobody signals never_cv */
        pthread_cond_wait(&never_cv, &mu);
    return NULL;
}

static long status_kib(const char *field) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kib = -1;
    size_t len = strlen(field);
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, field, len) == 0)
            kib = atol(line + len);
    fclose(f);
    return kib;
}

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 10000;
    long stack_kib = argc > 2 ? atol(argv[2]) : 0;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    if (stack_kib > 0 && pthread_attr_setstacksize(&attr, stack_kib * 1024) != 0) {
        fprintf(stderr, "threads_idle: bad stack size %ld KiB\n", stack_kib);
        return 2;
    }
    for (long i = 0; i < n; i++) {
        pthread_t t;
        int err = pthread_create(&t, &attr, idle, NULL);
        if (err != 0) {
            fprintf(stderr, "threads_idle: thread %ld: %s\n", i, strerror(err));
            return 1;
        }
    }
    pthread_mutex_lock(&mu);
    while (started < n)
        pthread_cond_wait(&started_cv, &mu);
    pthread_mutex_unlock(&mu);
    printf("threads %ld rss_kib %ld hwm_kib %ld pte_kib %ld\n", n, status_kib("VmRSS:"),
           status_kib("VmHWM:"), status_kib("VmPTE:"));
    fflush(stdout);
    return 0; /* exit ends the idle threads */
}
