/// Hex as the conformance vectors and the documents write it: two lowercase digits a byte,
/// separated by spaces.
public enum Hex {
    public static func string(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined(separator: " ")
    }

    /// The bytes of `hex`, which must be two-digit hex bytes separated by white space.
    public static func bytes(_ hex: String) -> [UInt8] {
        hex.split(whereSeparator: \.isWhitespace).map { word in
            guard word.count == 2, let byte = UInt8(word, radix: 16) else { preconditionFailure("\(word) is not a hex byte") }
            return byte
        }
    }
}
