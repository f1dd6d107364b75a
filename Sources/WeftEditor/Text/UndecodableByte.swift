/// Bytes of a file or a pipe that are not UTF-8 (a Latin-1 file, a binary) kept as scalars of
/// their own, one a byte, so the pager shows `<E9>` as less does instead of turning every one
/// into the same U+FFFD. The scalars are the last 128 of plane 16's private use area, which no
/// font draws.
public enum UndecodableByte {
    /// The scalar standing for byte 0x80 (0x80–0xFF follow it).
    static let first: UInt32 = 0x10FF80

    /// The scalar standing for `byte` (0x80–0xFF: a byte below is always UTF-8).
    public static func scalar(for byte: UInt8) -> Unicode.Scalar {
        Unicode.Scalar(first + UInt32(byte) - 0x80)!
    }

    /// The byte `scalar` stands for, nil when it stands for none.
    public static func byte(of scalar: Unicode.Scalar) -> UInt8? {
        scalar.value >= first ? UInt8(scalar.value - first + 0x80) : nil
    }

    /// `bytes` as text: UTF-8 decoded, every byte of what is not UTF-8 as its own scalar.
    public static func text(of bytes: some Collection<UInt8>) -> String {
        if let valid = String(validating: bytes, as: UTF8.self) { return valid }
        var scalars = String.UnicodeScalarView()
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var index = bytes.startIndex
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                scalars.append(Unicode.UTF8.decode(encoded))
                index = bytes.index(index, offsetBy: encoded.count)
            case .error(let length):
                let end = bytes.index(index, offsetBy: length)
                for byte in bytes[index..<end] { scalars.append(scalar(for: byte)) }
                index = end
            case .emptyInput:
                return String(scalars)
            }
        }
    }
}
