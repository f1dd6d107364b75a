"""Weft snapshots (Sources/WeftCRDT/FORMAT.md, "Snapshot"): reading every form a writer may
choose, and writing the canonical one. `features` counts what the reader met, so a test can
tell which modes a set of vectors covers.
"""

from collections import Counter

from weft_crdt import MAGIC, MAX_INSERTED, Char, Document, Reader, Refused, encode_batch, read_batch, u64, varint, zigzag

features = Counter()


def load(data):
    """The document a snapshot holds; Refused("snapshot") for anything a reader must refuse."""
    r = Reader(data, kind="snapshot")
    if r.raw(4) != MAGIC:
        r.fail("not a Weft snapshot")
    if r.byte() != 1:
        r.fail("unsupported snapshot version")
    table = [r.u64() for _ in range(r.count(9))]
    if len(set(table)) != len(table):
        r.fail("a replica listed twice")
    counts = [r.varint32() for _ in table]
    if sum(counts) > MAX_INSERTED:
        r.fail("more than 2^27 characters")
    if 0 in counts:
        features["table-with-empty-replica"] += 1

    spans = []  # (replica, first counter, length, left origin, right source), in order
    pieces = []  # (visible, length) for every piece of every span, in order
    end = [0] * len(table)  # the end of each replica, for counters written as differences
    span_count = r.count(3)
    for k in range(span_count):
        header = r.varint()
        slot, left_mode, right_mode, visibility = header >> 6, header >> 4 & 3, header >> 2 & 3, header & 3
        if slot >= len(table):
            r.fail("span replica outside the table")
        features[f"left-mode-{left_mode}"] += 1
        features[f"right-mode-{right_mode}"] += 1
        features[f"visibility-{visibility}"] += 1
        holder = None  # the span holding the left origin
        if left_mode == 3:
            holder = back(r, k, r.varint())
            h_slot, h_first, h_length = spans[holder][:3]
            if h_slot != slot:
                r.fail("continuation of another replica's span")
            first = h_first + h_length
            left = (table[slot], first - 1)
        else:
            left = None
            if left_mode == 1:
                if k == 0:
                    r.fail("first span with a left neighbour")
                holder = k - 1
                left = last_id(spans[holder], table)
            elif left_mode == 2:
                distance, offset = reference(r)
                holder = back(r, k, distance)
                left = id_in(spans[holder], offset, table, r)
            delta = r.zigzag()
            if delta < 0:
                features["negative-counter-difference"] += 1
            first = end[slot] + delta
        if not 0 <= first < counts[slot]:
            r.fail("span starts outside its replica's ids")
        if visibility < 2:
            lengths = [r.varint32()]
        else:
            lengths = [r.varint32() for _ in range(r.count(1))]
            if len(lengths) < 2:
                r.fail("mixed span with fewer than two pieces")
        visible = visibility in (0, 2)
        for length in lengths:
            if length == 0:
                r.fail("empty piece")
            pieces.append((visible, length))
            visible = not visible
        length = sum(lengths)
        if first + length > counts[slot]:
            r.fail("span runs past its replica's ids")
        end[slot] = first + length
        if right_mode == 0:
            right = None
        elif right_mode == 1:
            right = ("ahead", 1, 0)
        elif right_mode == 2:
            right = ("ahead",) + reference(r)
        else:
            if holder is None:
                r.fail("right mode 3 without a left origin")
            right = ("copy", holder)
        spans.append((slot, first, length, left, right))

    # Right origins point ahead: settle them once every span is read, in order.
    rights = []
    for k, (_, _, _, _, source) in enumerate(spans):
        if source is None:
            rights.append(None)
        elif source[0] == "copy":
            rights.append(rights[source[1]])
        else:
            _, distance, offset = source
            if not 1 <= distance < span_count - k:
                r.fail("right reference outside the spans")
            rights.append(id_in(spans[k + distance], offset, table, r))

    try:
        text = list(r.raw(r.count(1)).decode("utf-8"))  # one entry per scalar
    except UnicodeDecodeError:
        r.fail("text is not valid UTF-8")
    waiting_bytes = r.raw(r.count(1))
    r.end()
    if sum(n for visible, n in pieces if visible) != len(text):
        r.fail("text and visible pieces differ in length")

    doc = Document()
    scalars = iter(text)
    piece_iter = iter(pieces)
    for (slot, first, length, left, _), right in zip(spans, rights):
        counter = first
        while counter < first + length:
            visible, n = next(piece_iter)
            for c in range(counter, counter + n):
                char = Char((table[slot], c), left if c == first else (table[slot], c - 1), right,
                            next(scalars) if visible else "", not visible)
                if char.id in doc.by_id:
                    r.fail(f"id {char.id} stored twice")
                doc.chars.append(char)
                doc.by_id[char.id] = char
            counter += n
    for rep, count in zip(table, counts):
        if count:
            doc.counts[rep] = count
    if len(doc.by_id) != sum(counts):
        r.fail("ids counted that no span stores")
    if waiting_bytes:
        features["waiting-ops"] += 1
        w = Reader(waiting_bytes, kind="snapshot")
        ops = read_batch(w)
        w.end()
        try:
            doc.apply(ops)
        except Refused as error:
            raise Refused("snapshot", f"waiting op: {error}")
    return doc


def back(r, k, distance):
    if not 1 <= distance <= k:
        r.fail("reference back outside the spans")
    return k - distance


def reference(r):
    packed = r.varint()
    if packed & 1:
        offset = r.varint32()
        features["reference-with-offset" if offset else "reference-with-offset-0"] += 1
    else:
        offset = 0
        features["reference-without-offset"] += 1
    return packed >> 1, offset


def last_id(span, table):
    slot, first, length = span[:3]
    return (table[slot], first + length - 1)


def id_in(span, offset, table, r):
    slot, first, length = span[:3]
    if offset >= length:
        r.fail("reference offset past its span")
    return (table[slot], first + offset)


def write(doc):
    """The canonical snapshot of `doc` (FORMAT.md, "Canonical snapshots")."""
    spans = []  # lists of characters
    for c in doc.chars:
        span = spans[-1] if spans else None
        if span and c.id == (span[-1].id[0], span[-1].id[1] + 1) and c.left == span[-1].id and c.right == span[0].right:
            span.append(c)
        else:
            spans.append([c])
    span_of = {c.id: (k, i) for k, span in enumerate(spans) for i, c in enumerate(span)}
    starts = Counter(span[0].id[0] for span in spans)
    table = sorted((rep for rep, count in doc.counts.items() if count), key=lambda rep: (-starts[rep], rep))
    slot = {rep: i for i, rep in enumerate(table)}

    out = bytearray(MAGIC) + bytes([1]) + varint(len(table)) + b"".join(u64(rep) for rep in table)
    out += b"".join(varint(doc.counts[rep]) for rep in table) + varint(len(spans))
    end = {}
    for k, span in enumerate(spans):
        head = span[0]
        rep, first = head.id
        holder = span_of[head.left][0] if head.left else None
        if head.left is None:
            left_mode = 0
        elif k > 0 and head.left == spans[k - 1][-1].id:
            left_mode = 1
        elif head.left == (rep, first - 1):
            left_mode = 3
        else:
            left_mode = 2
        if head.right is None:
            right_mode = 0
        elif k + 1 < len(spans) and head.right == spans[k + 1][0].id:
            right_mode = 1
        elif holder is not None and spans[holder][0].right == head.right:
            right_mode = 3
        else:
            right_mode = 2
        lengths = []
        for c in span:
            if lengths and lengths[-1][0] == c.deleted:
                lengths[-1][1] += 1
            else:
                lengths.append([c.deleted, 1])
        visibility = (1 if span[0].deleted else 0) + (2 if len(lengths) > 1 else 0)
        out += varint(slot[rep] << 6 | left_mode << 4 | right_mode << 2 | visibility)
        if left_mode == 3:
            out += varint(k - holder)
        else:
            if left_mode == 2:
                out += write_reference(k - holder, span_of[head.left][1])
            out += zigzag(first - end.get(rep, 0))
        end[rep] = first + len(span)
        if len(lengths) > 1:
            out += varint(len(lengths))
        out += b"".join(varint(n) for _, n in lengths)
        if right_mode == 2:
            target, offset = span_of[head.right]
            out += write_reference(target - k, offset)
    text = doc.text.encode("utf-8")
    out += varint(len(text)) + text
    waiting = encode_batch(doc.waiting) if doc.waiting else b""
    return bytes(out + varint(len(waiting)) + waiting)


def write_reference(distance, offset):
    return varint(distance << 1 | (1 if offset else 0)) + (varint(offset) if offset else b"")
