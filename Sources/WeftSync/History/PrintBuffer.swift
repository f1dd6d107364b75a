/// Output built as UTF-8 bytes: what blame prints for a document of many megabytes, without a
/// `String` per line or per field.
struct PrintBuffer {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    mutating func append(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    mutating func append(_ slice: ArraySlice<UInt8>) {
        bytes.append(contentsOf: slice)
    }

    mutating func append(_ buffer: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: buffer)
    }

    mutating func append(byte: UInt8) {
        bytes.append(byte)
    }

    /// `value` in decimal, right-aligned with spaces to `width` characters (never cut).
    mutating func append(_ value: UInt64, width: Int = 0) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var start = digits.count
            var rest = value
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            } while rest > 0
            let count = digits.count - start
            if width > count { bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: width - count)) }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[start...]))
        }
    }

    /// `bytes`, with line feeds, backslashes and tabs as `\n`, `\\` and `\t` (UTF-8 never uses
    /// those bytes inside a multi-byte scalar, so escaping bytes escapes scalars).
    mutating func appendEscaped(_ slice: ArraySlice<UInt8>) {
        var start = slice.startIndex
        while let special = slice[start...].firstIndex(where: { $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\t") }) {
            bytes.append(contentsOf: slice[start..<special])
            bytes.append(UInt8(ascii: "\\"))
            switch slice[special] {
            case UInt8(ascii: "\n"): bytes.append(UInt8(ascii: "n"))
            case UInt8(ascii: "\t"): bytes.append(UInt8(ascii: "t"))
            default: bytes.append(UInt8(ascii: "\\"))
            }
            start = special + 1
        }
        bytes.append(contentsOf: slice[start...])
    }
}
