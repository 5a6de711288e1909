/* The spinner's work in C: the same naive recursive fib(45), no spinner.
 * The reference for how fast one core runs it: gcc -O2 fib.c -o fib
 * Prints "Fibonacci(45) = 1134903170" like the Go program's last line. */
#include <stdio.h>
#include <stdlib.h>

static long fib(long x) {
    if (x < 2)
        return x;
    return fib(x - 1) + fib(x - 2);
}

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 45;
    printf("Fibonacci(%ld) = %ld\n", n, fib(n));
    return 0;
}
