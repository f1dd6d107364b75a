#include "terminal_rescue.h"

#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static const int fatal_signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS};
#define FATAL_COUNT (sizeof fatal_signals / sizeof fatal_signals[0])

static char restore_bytes[1024];
static size_t restore_length;
static struct termios saved_modes;
static struct sigaction previous[FATAL_COUNT];
static volatile sig_atomic_t installed;
static volatile sig_atomic_t fired;

static void rescue(int number) {
    if (installed) {
        installed = 0;
        fired = 1;
        size_t written = 0;
        while (written < restore_length) {
            ssize_t count = write(STDOUT_FILENO, restore_bytes + written, restore_length - written);
            if (count <= 0) break;
            written += (size_t)count;
        }
        tcsetattr(STDIN_FILENO, TCSANOW, &saved_modes);
    }
    // On to what handled the signal before (the Swift runtime's backtrace, or the default):
    // a fault repeats when this returns; a raised signal is raised again.
    for (size_t index = 0; index < FATAL_COUNT; index++) {
        if (fatal_signals[index] == number) sigaction(number, &previous[index], NULL);
    }
    raise(number);
}

int weft_rescue_save_modes(void) {
    return tcgetattr(STDIN_FILENO, &saved_modes) == 0 ? 0 : -1;
}

void weft_rescue_install(const char *restore, size_t length) {
    restore_length = length < sizeof restore_bytes ? length : sizeof restore_bytes;
    memcpy(restore_bytes, restore, restore_length);
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = rescue;
    sigemptyset(&action.sa_mask);
    for (size_t index = 0; index < FATAL_COUNT; index++) sigaction(fatal_signals[index], &action, &previous[index]);
    installed = 1;
}

void weft_rescue_uninstall(void) {
    if (!installed) return;
    installed = 0;
    for (size_t index = 0; index < FATAL_COUNT; index++) sigaction(fatal_signals[index], &previous[index], NULL);
}

void weft_stop_process(void) {
    struct sigaction stop, before;
    memset(&stop, 0, sizeof stop);
    stop.sa_handler = SIG_DFL;
    sigemptyset(&stop.sa_mask);
    sigaction(SIGTSTP, &stop, &before);
    sigset_t only, mask;
    sigemptyset(&only);
    sigaddset(&only, SIGTSTP);
    pthread_sigmask(SIG_UNBLOCK, &only, &mask);
    // One signal, to this thread: it stops the process on the way out of raise(), while the
    // default action is in place. Sent to the process group as well (kill(0, …)), the signal
    // could be taken by another thread after the handler was put back (no stop at all), or a
    // second one ran once the shell's fg had continued the process and stopped it again.
    raise(SIGTSTP);
    pthread_sigmask(SIG_SETMASK, &mask, NULL);
    sigaction(SIGTSTP, &before, NULL);
}

int weft_rescue_fired(void) { return fired; }
