// What Swift cannot import from ncursesw directly: function-like macros and C globals (which are
// errors in Swift 6 mode), wrapped in static inline functions.
#ifndef WEFT_CNCURSESW_SHIM_H
#define WEFT_CNCURSESW_SHIM_H

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#include <locale.h>
#include <stdio.h>
#include <langinfo.h>
#include <wchar.h>
#include <ncursesw/curses.h>

int wcwidth(wchar_t c);
// From term.h, which is not included: its capability macros (`lines`, `columns`…) would clash.
struct term;
char *tigetstr(const char *name);
char *tiparm(const char *format, ...);
int setupterm(const char *name, int descriptor, int *error);
struct term *set_curterm(struct term *terminal);
int del_curterm(struct term *terminal);

static inline FILE *weft_stdout(void) { return stdout; }
static inline FILE *weft_stdin(void) { return stdin; }
static inline WINDOW *weft_stdscr(void) { return stdscr; }
static inline int weft_lines(void) { return LINES; }
static inline int weft_cols(void) { return COLS; }
static inline int weft_colors(void) { return COLORS; }
static inline int weft_color_pairs(void) { return COLOR_PAIRS; }
static inline attr_t weft_a_bold(void) { return A_BOLD; }
static inline attr_t weft_a_reverse(void) { return A_REVERSE; }
static inline attr_t weft_a_underline(void) { return A_UNDERLINE; }
static inline attr_t weft_a_dim(void) { return A_DIM; }
static inline attr_t weft_a_normal(void) { return A_NORMAL; }

/// Puts one character cell (a base scalar and up to four combining ones) at the cursor.
static inline int weft_add_cell(int y, int x, const wchar_t *scalars, attr_t attributes, int pair) {
    cchar_t cell;
    if (setcchar(&cell, scalars, attributes, 0, &pair) != OK) return ERR;
    return mvwadd_wch(stdscr, y, x, &cell);
}

/// How many colours terminfo gives terminal type `name`, read before ncurses starts (-1: no
/// such type; an absent count is -1 too).
/// Whether terminfo has an entry for terminal type `name` (without ncurses printing anything).
static inline int weft_terminfo_known(const char *name) {
    int error = 0;
    if (setupterm(name, 1, &error) != OK) return 0;
    del_curterm(set_curterm(NULL));
    return 1;
}

static inline int weft_terminfo_colours(const char *name) {
    int error = 0;
    if (setupterm(name, 1, &error) != OK) return -1;
    int colours = tigetnum("colors");
    del_curterm(set_curterm(NULL));
    return colours;
}

/// String capability `name` (`rmcup`, `cnorm`…), or NULL when the terminal has none.
static inline const char *weft_string_capability(const char *name) {
    const char *value = tigetstr(name);
    return value == (const char *)-1 ? NULL : value;
}

/// Whether the terminal's description has string capability `name` (`cup`, `smcup`…).
static inline int weft_has_string_capability(const char *name) {
    const char *value = tigetstr(name);
    return value != NULL && value != (const char *)-1;
}

// Output beside ncurses's (after a refresh has flushed it), through standard output's buffer:
// `fflush(stdout)` sends it.
static inline int weft_putchar(int c) { return putchar(c); }

/// Writes the terminal's own sequence that puts the cursor at `row`, `column` (from 0).
static inline int weft_put_cursor_address(int row, int column) {
    const char *cup = tigetstr("cup");
    if (cup == NULL || cup == (const char *)-1) return ERR;
    return tputs(tiparm(cup, row, column), 1, weft_putchar);
}

/// Writes the sequence for `attributes` and colour `pair`; ncurses notes them as the terminal's.
static inline int weft_put_attributes(attr_t attributes, int pair) {
    return vid_puts(attributes, (NCURSES_PAIRS_T)pair, NULL, weft_putchar);
}

/// Whether the locale's codeset is UTF-8 (after `setlocale`).
static inline int weft_locale_is_utf8(void) {
    const char *codeset = nl_langinfo(CODESET);
    return codeset != NULL && (codeset[0] == 'U' || codeset[0] == 'u') && (codeset[1] == 'T' || codeset[1] == 't');
}

#endif
