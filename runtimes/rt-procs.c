// SPDX-License-Identifier: GPL-2.0
/*
 * rt-procs: what each container of the runtimes suite holds besides its
 * init: a process with three threads besides its main one, and a child of
 * it that exits at once and is never reaped (a zombie). Static, so that it
 * runs in the OCI bundle's busybox rootfs too. Everything waits until the
 * container's init is killed.
 */
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#define EXTRA_THREADS 3

static void *park(void *unused)
{
	(void)unused;
	for (;;)
		pause();
	return NULL;
}

int main(void)
{
	pthread_t thread;
	pid_t child;
	int i;

	/* An ignored SIGCHLD, inherited from a runtime, would reap the zombie. */
	signal(SIGCHLD, SIG_DFL);
	child = fork();
	if (child < 0)
		return 1;
	if (child == 0)
		_exit(0);
	for (i = 0; i < EXTRA_THREADS; i++)
		if (pthread_create(&thread, NULL, park, NULL))
			return 1;
	park(NULL);
	return 0;
}
