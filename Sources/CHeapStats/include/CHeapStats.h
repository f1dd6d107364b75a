#ifndef CHEAPSTATS_H
#define CHEAPSTATS_H
#include <stddef.h>

/// Bytes malloc has handed out and not taken back (in-use arena bytes plus mmapped blocks).
size_t weft_heap_in_use(void);

#endif
