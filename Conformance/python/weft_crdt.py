"""A small Weft replica written from Sources/WeftCRDT/FORMAT.md alone: op batches, applying ops
(FugueMax placement, waiting ops, duplicates) and snapshots (reading every form, writing the
canonical one). Python 3 standard library only. Characters are kept in a plain list, so this is
slow on long documents and meant to be read: a reference for other implementations.
"""

MAX_COUNTER = 2**32 - 1  # counters, lengths and counts are 32-bit
MAX_INSERTED = 2**27  # characters a document may have had inserted, deleted ones included
MAGIC = b"WFTS"


class Refused(Exception):
    """Bytes or ops a replica must refuse. `kind`: "decode" (bytes that do not decode), "op" (a
    malformed op) or "snapshot" (a snapshot that does not load)."""

    def __init__(self, kind, message):
        super().__init__(f"{kind}: {message}")
        self.kind = kind


# Primitives ---------------------------------------------------------------------------------

class Reader:
    def __init__(self, data, kind="decode"):
        self.data, self.pos, self.kind = bytes(data), 0, kind

    def fail(self, message):
        raise Refused(self.kind, f"{message} at byte {self.pos}")

    def byte(self):
        if self.pos >= len(self.data):
            self.fail("input ends")
        self.pos += 1
        return self.data[self.pos - 1]

    def varint(self):
        value, shift = 0, 0
        while True:
            b = self.byte()
            if shift == 63 and b > 1:
                self.fail("varint past 64 bits")
            value |= (b & 0x7F) << shift
            if b & 0x80 == 0:
                if b == 0 and shift > 0:
                    self.fail("varint not minimal")
                return value
            shift += 7

    def varint32(self):
        value = self.varint()
        if value > MAX_COUNTER:
            self.fail("value past 32 bits")
        return value

    def zigzag(self):
        z = self.varint()
        return (z >> 1) ^ -(z & 1)

    def count(self, min_bytes):
        value = self.varint()
        if value > (len(self.data) - self.pos) // max(1, min_bytes):
            self.fail("count larger than the bytes left could hold")
        return value

    def u64(self):
        return int.from_bytes(self.raw(8), "little")

    def raw(self, n):
        if n > len(self.data) - self.pos:
            self.fail("input ends")
        self.pos += n
        return self.data[self.pos - n:self.pos]

    def string(self):
        raw = self.raw(self.count(1))
        try:
            return raw.decode("utf-8")  # strict: no surrogates, overlong forms or cut sequences
        except UnicodeDecodeError:
            self.fail("invalid UTF-8")

    def end(self):
        if self.pos != len(self.data):
            self.fail("bytes after the end")


def varint(n):
    out = bytearray()
    while True:
        if n < 0x80:
            out.append(n)
            return bytes(out)
        out.append(n & 0x7F | 0x80)
        n >>= 7


def zigzag(n):
    return varint(2 * n if n >= 0 else -2 * n - 1)


def u64(n):
    return n.to_bytes(8, "little")


def string(text):
    raw = text.encode("utf-8")
    return varint(len(raw)) + raw


# Op batches ---------------------------------------------------------------------------------
# An id is a tuple (replica, counter); an origin is an id or None.

class Insert:
    def __init__(self, replica, counter, left, right, text):
        self.replica, self.counter, self.left, self.right, self.text = replica, counter, left, right, text

    def key(self):
        return ("insert", self.replica, self.counter, self.left, self.right, self.text)


class Delete:
    def __init__(self, spans):
        self.spans = spans  # tuple of (replica, first counter, length)

    def key(self):
        return ("delete", self.spans)


def read_batch(r):
    if r.byte() != 1:
        r.fail("op batch version is not 1")
    table = [r.u64() for _ in range(r.count(8))]

    def replica():
        index = r.varint()
        if index >= len(table):
            r.fail("replica index outside the table")
        return table[index]

    def origin():
        value = r.varint()
        if value == 0:
            return None
        if value > len(table):
            r.fail("origin replica outside the table")
        return (table[value - 1], r.varint32())

    ops = []
    for _ in range(r.count(2)):
        tag = r.byte()
        if tag == 1:
            rep, counter = replica(), r.varint32()
            left, right = origin(), origin()
            text = r.string()
            if not text:
                r.fail("insertion without text")
            ops.append(Insert(rep, counter, left, right, text))
        elif tag == 2:
            spans = []
            for _ in range(r.count(3)):
                rep, counter, length = replica(), r.varint32(), r.varint32()
                if length == 0:
                    r.fail("deletion span of length 0")
                spans.append((rep, counter, length))
            if not spans:
                r.fail("deletion without spans")
            ops.append(Delete(tuple(spans)))
        else:
            r.fail(f"unknown op tag {tag}")
    return ops


def decode_batch(data):
    r = Reader(data)
    ops = read_batch(r)
    r.end()
    return ops


def encode_batch(ops):
    """The way Weft writes a batch: the table in the order the ops first name each replica."""
    table = []

    def name(rep):
        if rep not in table:
            table.append(rep)

    for op in ops:
        if isinstance(op, Insert):
            for rep in (op.replica, op.left and op.left[0], op.right and op.right[0]):
                if rep is not None:
                    name(rep)
        else:
            for rep, _, _ in op.spans:
                name(rep)

    def origin(o):
        return varint(0) if o is None else varint(table.index(o[0]) + 1) + varint(o[1])

    out = bytearray([1]) + varint(len(table)) + b"".join(u64(rep) for rep in table) + varint(len(ops))
    for op in ops:
        if isinstance(op, Insert):
            out += bytes([1]) + varint(table.index(op.replica)) + varint(op.counter)
            out += origin(op.left) + origin(op.right) + string(op.text)
        else:
            out += bytes([2]) + varint(len(op.spans))
            for rep, counter, length in op.spans:
                out += varint(table.index(rep)) + varint(counter) + varint(length)
    return bytes(out)


# The document -------------------------------------------------------------------------------

class Char:
    __slots__ = ("id", "left", "right", "scalar", "deleted")

    def __init__(self, id, left, right, scalar, deleted=False):
        self.id, self.left, self.right, self.scalar, self.deleted = id, left, right, scalar, deleted


class Document:
    """Every character ever integrated, in document order, tombstones included."""

    def __init__(self):
        self.chars = []
        self.by_id = {}
        self.counts = {}  # replica -> characters integrated (its next counter)
        self.waiting = []  # ops that cannot apply yet, in the order first received
        self._index = None

    @property
    def text(self):
        return "".join(c.scalar for c in self.chars if not c.deleted)

    def known(self, id):
        return id is None or id[1] < self.counts.get(id[0], 0)

    def index(self, id):
        if self._index is None:
            self._index = {c.id: i for i, c in enumerate(self.chars)}
        return self._index[id]

    # Applying ops ---------------------------------------------------------------------------

    def apply(self, ops):
        """Applies received ops in order; refuses (Refused "op") at the first malformed one."""
        for op in ops:
            check(op)
            if not self.try_apply(op):
                if all(op.key() != w.key() for w in self.waiting):
                    self.waiting.append(op)
            self.retry_waiting()

    def retry_waiting(self):
        progress = True
        while progress:
            progress = False
            for op in list(self.waiting):
                if self.try_apply(op):
                    self.waiting.remove(op)
                    progress = True

    def try_apply(self, op):
        """Applies `op` if everything it needs is known; False if it must wait."""
        if isinstance(op, Delete):
            if not all(c + n <= self.counts.get(rep, 0) for rep, c, n in op.spans):
                return False
            for rep, c, n in op.spans:
                for counter in range(c, c + n):
                    self.by_id[(rep, counter)].deleted = True
            return True
        rep, known = op.replica, self.counts.get(op.replica, 0)
        if op.counter + len(op.text) <= known:
            return True  # every scalar known: a duplicate
        if op.counter > known:
            return False  # waits for (rep, op.counter - 1)
        skip = known - op.counter  # scalars known already, from a piece that came first
        left = (rep, known - 1) if skip else op.left
        if not (self.known(left) and self.known(op.right)):
            return False
        if len(self.chars) + len(op.text) - skip > MAX_INSERTED:
            raise Refused("op", "the document would pass 2^27 inserted characters")
        for i, scalar in enumerate(op.text[skip:]):
            counter = known + i
            self.integrate(Char((rep, counter), left if i == 0 else (rep, counter - 1), op.right, scalar))
        return True

    def integrate(self, x):
        """FORMAT.md, "Placing an insertion"."""
        end = len(self.chars)
        left = self.index(x.left) if x.left else -1
        right = self.index(x.right) if x.right else end
        if left >= right:
            raise Refused("op", f"insertion {x.id}: its left origin is not before its right origin")
        destination, scanning, i = left + 1, False, left + 1
        while True:
            if not scanning:
                destination = i
            if i == right:
                break
            o = self.chars[i]
            o_left = self.index(o.left) if o.left else -1
            if o_left < left:
                break
            if o_left == left:
                o_right = self.index(o.right) if o.right else end
                if o_right < right:
                    scanning = True
                elif o_right == right:
                    if x.id[0] < o.id[0]:
                        break
                    scanning = False
                else:
                    scanning = False
            i += 1
        self.chars.insert(destination, x)
        self.by_id[x.id] = x
        self.counts[x.id[0]] = x.id[1] + 1
        self._index = None


def check(op):
    """What a replica can refuse without the document (FORMAT.md, "What a replica refuses")."""
    if isinstance(op, Insert):
        if op.counter + len(op.text) > MAX_COUNTER:
            raise Refused("op", "insertion runs past the last counter")
        for origin in (op.left, op.right):
            if origin and origin[0] == op.replica and origin[1] >= op.counter:
                raise Refused("op", "insertion placed next to itself or a later character of its replica")
    else:
        for _, c, n in op.spans:
            if c + n > MAX_COUNTER:
                raise Refused("op", "deletion span runs past the last counter")
