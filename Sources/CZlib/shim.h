// zlib from Debian's zlib1g-dev: deflate for the relay's packed history. deflateInit and
// inflateInit are macros, which Swift cannot call; these wrap them.
#ifndef WEFT_CZLIB_SHIM_H
#define WEFT_CZLIB_SHIM_H

#include <zlib.h>

static inline int weft_deflate_init(z_stream *stream, int level) {
    return deflateInit(stream, level);
}

static inline int weft_inflate_init(z_stream *stream) {
    return inflateInit(stream);
}

#endif
