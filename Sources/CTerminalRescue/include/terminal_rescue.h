// Leaves the terminal usable when the process dies of a fatal signal (a crash): the handlers
// write the bytes that give the screen back and restore the terminal's saved modes, with
// async-signal-safe calls only, then let the signal go on to what handled it before.
#ifndef WEFT_TERMINAL_RESCUE_H
#define WEFT_TERMINAL_RESCUE_H

#include <stddef.h>

/// Saves standard input's terminal modes as they are now (before ncurses starts: starting
/// changes some), for the handlers to put back. Returns 0, or -1 when it is not a terminal.
int weft_rescue_save_modes(void);

/// Installs the handlers for SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP and SIGSYS:
/// they write `restore` (at most 1024 bytes) to standard output and put the saved modes back.
void weft_rescue_install(const char *restore, size_t length);

/// Puts the handlers that were there before back (the terminal was given back normally).
void weft_rescue_uninstall(void);

/// Whether a fatal signal gave the terminal back: the process is dying (other threads may run a
/// little longer, and must not take the terminal again).
int weft_rescue_fired(void);

/// Stops the process as Ctrl-Z in a shell would: SIGTSTP to this thread with SIGTSTP unblocked
/// and its default action, so the stop happens before this returns; returns once continued (at
/// once when nobody can continue it: an orphaned process group).
void weft_stop_process(void);

#endif
