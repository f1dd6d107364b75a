/// The text of every run, appended to and never rewritten: one byte a scalar while every scalar
/// stored is below U+0100 (ASCII and Latin-1, which is most text), four bytes a scalar from the
/// first one that is not. Offsets count scalars in both forms, so runs never know which.
///
/// Four bytes for every scalar made the text most of a replica's memory (a relay's open document,
/// a 100 MB paste, the arrays a `weft blame` of 10 MB touches first in a fresh process).
struct ScalarArena {
    private var narrow: [UInt8] = []
    private var wide: [Unicode.Scalar] = []
    /// Whether a scalar from U+0100 on was ever stored; from then on every scalar takes four bytes.
    private(set) var isWide = false
    /// The offset of every line feed stored, ascending. Line lookups count and find line feeds
    /// inside runs; scanning for them made each lookup read a leaf's text (up to 16 KB), and a
    /// keystroke that looks up the thirty lines on screen read half a megabyte: a paste arriving
    /// as keys went at 700 keys a second. Searched, a lookup is two binary searches, for four
    /// bytes a line.
    private var lineFeeds: [UInt32] = []

    init() {}

    /// Decodes a snapshot's text, keeping it narrow when it can be.
    init(decoding scalars: [Unicode.Scalar]) {
        if scalars.allSatisfy({ $0.value < 0x100 }) {
            narrow = scalars.map { UInt8(truncatingIfNeeded: $0.value) }
        } else {
            wide = scalars
            isWide = true
        }
        for (offset, scalar) in scalars.enumerated() where scalar == "\n" { lineFeeds.append(UInt32(offset)) }
    }

    /// Takes text whose bytes are ASCII as it is.
    init(ascii bytes: ArraySlice<UInt8>) {
        narrow = Array(bytes)
        narrow.withUnsafeBufferPointer { bytes in
            for offset in bytes.indices where bytes[offset] == 0x0A { lineFeeds.append(UInt32(offset)) }
        }
    }

    /// The number of scalars stored.
    var count: Int { isWide ? wide.count : narrow.count }

    /// Scalars that fit without growing.
    var capacity: Int { isWide ? wide.capacity : narrow.capacity }

    subscript(offset: Int) -> Unicode.Scalar {
        isWide ? wide[offset] : Unicode.Scalar(narrow[offset])
    }

    /// The scalars at `range`, without copying them.
    func slice(_ range: Range<Int>) -> ScalarSlice {
        isWide ? ScalarSlice(wide: wide[range]) : ScalarSlice(narrow: narrow[range])
    }

    /// The number of line feeds in `range`.
    func newlines(in range: Range<Int>) -> Int {
        guard !range.isEmpty else { return 0 }
        return lineFeedIndex(before: range.upperBound) - lineFeedIndex(before: range.lowerBound)
    }

    /// The offset of the `skipping`-th line feed (from 0) in `range`, or nil when it has fewer.
    func newline(_ skipping: Int, in range: Range<Int>) -> Int? {
        let index = lineFeedIndex(before: range.lowerBound) + skipping
        guard index < lineFeeds.count, Int(lineFeeds[index]) < range.upperBound else { return nil }
        return Int(lineFeeds[index])
    }

    /// How many line feeds are stored before `offset`.
    private func lineFeedIndex(before offset: Int) -> Int {
        lineFeeds.withUnsafeBufferPointer { feeds in
            var low = 0, high = feeds.count
            while low < high {
                let middle = (low + high) / 2
                if Int(feeds[middle]) < offset { low = middle + 1 } else { high = middle }
            }
            return low
        }
    }

    mutating func reserveCapacity(_ scalars: Int) {
        if isWide { wide.reserveCapacity(scalars) } else { narrow.reserveCapacity(scalars) }
    }

    /// Cuts the last `scalars` off (what a failed atomic apply stored). A widened arena stays wide.
    mutating func removeLast(_ scalars: Int) {
        if isWide { wide.removeLast(scalars) } else { narrow.removeLast(scalars) }
        lineFeeds.removeLast(lineFeeds.count - lineFeedIndex(before: count))
    }

    /// Appends `text`'s scalars; returns how many of them are line feeds.
    mutating func append(_ text: String) -> Int {
        let before = lineFeeds.count
        appendScalars(text)
        return lineFeeds.count - before
    }

    private mutating func appendScalars(_ text: String) {
        // ASCII text (most text) is copied in one go: decoding it scalar by scalar and appending
        // each was a large share of replaying a long history.
        let copied: Bool? = text.utf8.withContiguousStorageIfAvailable { bytes in
            guard String.isASCII(UnsafeRawBufferPointer(bytes)) else { return false }
            let start = count
            for index in bytes.indices where bytes[index] == 0x0A { lineFeeds.append(UInt32(truncatingIfNeeded: start + index)) }
            if !isWide {
                narrow.append(contentsOf: bytes)
                return true
            }
            wide.append(contentsOf: repeatElement(Unicode.Scalar(0), count: bytes.count))
            wide.withUnsafeMutableBufferPointer { scalars in
                scalars.withMemoryRebound(to: UInt32.self) { target in
                    for index in bytes.indices { target[start + index] = UInt32(bytes[index]) }
                }
            }
            return true
        }
        if copied != true {
            for scalar in text.unicodeScalars {
                if scalar.value >= 0x100, !isWide { widen() }
                if scalar == "\n" { lineFeeds.append(UInt32(truncatingIfNeeded: count)) }
                if isWide { wide.append(scalar) } else { narrow.append(UInt8(truncatingIfNeeded: scalar.value)) }
            }
        }
    }

    /// Moves to four bytes a scalar, once.
    private mutating func widen() {
        wide.reserveCapacity(Swift.max(narrow.capacity, narrow.count + 1))
        wide.append(contentsOf: narrow.lazy.map { Unicode.Scalar($0) })
        narrow = []
        isWide = true
    }
}

/// Consecutive scalars of a replica's text, as stored: one byte each (below U+0100) or four.
public struct ScalarSlice: Sequence {
    private let narrow: ArraySlice<UInt8>?
    private let wide: ArraySlice<Unicode.Scalar>?

    init(narrow: ArraySlice<UInt8>) {
        self.narrow = narrow
        wide = nil
    }

    init(wide: ArraySlice<Unicode.Scalar>) {
        narrow = nil
        self.wide = wide
    }

    /// The number of scalars.
    public var count: Int { narrow?.count ?? wide!.count }

    /// The `count` scalars from the `offset`-th on.
    public func slice(from offset: Int, count: Int) -> ScalarSlice {
        if let narrow {
            let start = narrow.startIndex + offset
            return ScalarSlice(narrow: narrow[start..<start + count])
        }
        let start = wide!.startIndex + offset
        return ScalarSlice(wide: wide![start..<start + count])
    }

    /// Appends the scalars encoded as UTF-8: ASCII in one copy.
    public func appendUTF8(to bytes: inout [UInt8]) {
        if let narrow {
            let ascii = narrow.withUnsafeBytes { String.isASCII($0) }
            if ascii {
                bytes.append(contentsOf: narrow)
            } else {
                for byte in narrow {
                    if byte < 0x80 {
                        bytes.append(byte)
                    } else {
                        bytes.append(0xC0 | byte >> 6)
                        bytes.append(0x80 | byte & 0x3F)
                    }
                }
            }
            return
        }
        wide!.withUnsafeBufferPointer { source in
            source.withMemoryRebound(to: UInt32.self) { Self.appendEncoding($0, to: &bytes) }
        }
    }

    /// Encodes scalar values into an array made at its size, then appends it in one copy:
    /// appending each scalar's bytes as it was encoded was most of reading a long line of text
    /// other than ASCII (and appending a repeated zero first was slow in debug builds, which the
    /// simulator and tests run).
    private static func appendEncoding(_ values: UnsafeBufferPointer<UInt32>, to bytes: inout [UInt8]) {
        var total = 0
        for value in values { total &+= value < 0x80 ? 1 : value < 0x800 ? 2 : value < 0x10000 ? 3 : 4 }
        bytes.append(contentsOf: [UInt8](unsafeUninitializedCapacity: total) { target, count in
            var at = 0
            for value in values {
                switch value {
                case ..<0x80:
                    target[at] = UInt8(truncatingIfNeeded: value)
                    at &+= 1
                case ..<0x800:
                    target[at] = 0xC0 | UInt8(truncatingIfNeeded: value >> 6)
                    target[at &+ 1] = 0x80 | UInt8(truncatingIfNeeded: value & 0x3F)
                    at &+= 2
                case ..<0x10000:
                    target[at] = 0xE0 | UInt8(truncatingIfNeeded: value >> 12)
                    target[at &+ 1] = 0x80 | UInt8(truncatingIfNeeded: value >> 6 & 0x3F)
                    target[at &+ 2] = 0x80 | UInt8(truncatingIfNeeded: value & 0x3F)
                    at &+= 3
                default:
                    target[at] = 0xF0 | UInt8(truncatingIfNeeded: value >> 18)
                    target[at &+ 1] = 0x80 | UInt8(truncatingIfNeeded: value >> 12 & 0x3F)
                    target[at &+ 2] = 0x80 | UInt8(truncatingIfNeeded: value >> 6 & 0x3F)
                    target[at &+ 3] = 0x80 | UInt8(truncatingIfNeeded: value & 0x3F)
                    at &+= 4
                }
            }
            count = at
        })
    }

    public func makeIterator() -> Iterator {
        Iterator(slice: self, index: 0)
    }

    /// The scalars in order.
    public struct Iterator: IteratorProtocol {
        let slice: ScalarSlice
        var index: Int

        public mutating func next() -> Unicode.Scalar? {
            guard index < slice.count else { return nil }
            defer { index += 1 }
            if let narrow = slice.narrow { return Unicode.Scalar(narrow[narrow.startIndex + index]) }
            return slice.wide![slice.wide!.startIndex + index]
        }
    }
}
