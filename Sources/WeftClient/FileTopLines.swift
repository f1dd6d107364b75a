/// The top lines the pager left its texts at, as one command-line argument (`INDEX:LINE,…`), for
/// the pager process `:n` and `:p` start.
public enum FileTopLines {
    /// `lines` as `0:120,2:7`, by index.
    public static func argument(_ lines: [Int: Int]) -> String {
        lines.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: ",")
    }

    /// The lines `argument` names.
    /// - Throws: `FileTopLinesError` naming the part that is not `INDEX:LINE` with a line from 1.
    public static func parse(_ argument: String) throws -> [Int: Int] {
        var lines: [Int: Int] = [:]
        for part in argument.split(separator: ",") {
            let fields = part.split(separator: ":")
            guard fields.count == 2, let index = Int(fields[0]), index >= 0, let line = Int(fields[1]), line > 0 else {
                throw FileTopLinesError(part: String(part))
            }
            lines[index] = line
        }
        return lines
    }
}

/// A top-lines argument that does not read as `INDEX:LINE,…`.
public struct FileTopLinesError: Error, Equatable, CustomStringConvertible {
    public let part: String
    public init(part: String) { self.part = part }
    public var description: String { "\(part) is not INDEX:LINE (a text's index from 0 and a line from 1)" }
}
