import Foundation

extension TextEdit {
    /// Why `weft apply`'s input was refused, naming the line and what to write instead.
    public struct LineError: Error, CustomStringConvertible, Sendable {
        public let line: Int
        public let problem: String
        public var description: String { "line \(line) \(problem); nothing applied" }
    }

    /// The keys an edit line may have.
    public static let lineKeys = ["pos", "del", "ins"]

    /// Parses `weft apply`'s input: one JSON object a line, `{"pos": N, "del": N, "ins": "text"}`
    /// (`del` and `ins` optional, N whole and not negative); blank lines are skipped. Every line is
    /// checked before any edit is returned, and a key it does not know is refused (a misspelt
    /// `"dell"` would otherwise delete nothing and say nothing).
    /// - Throws: `LineError` for the first bad line.
    public static func parseLines(_ input: Data) throws(LineError) -> [TextEdit] {
        var edits: [TextEdit] = []
        for (index, line) in input.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\t") }) { continue }
            do {
                edits.append(try JSONDecoder().decode(EditLine.self, from: Data(line)).edit)
            } catch let error as UnknownKey {
                let hint = Spelling.suggestion(for: error.name, among: lineKeys).map { " (did you mean \"\($0)\"?)" } ?? ""
                throw LineError(line: index + 1, problem: "has the key \"\(error.name)\", which weft apply does not know\(hint); the keys are pos, del and ins")
            } catch let error as OutOfRange {
                throw LineError(line: index + 1, problem: "has \(error.key) \(error.value): it must be a whole number, 0 or more")
            } catch {
                throw LineError(line: index + 1, problem: "is not {\"pos\": N, \"del\": N, \"ins\": \"text\"} with N a whole number, 0 or more")
            }
        }
        return edits
    }

    private struct UnknownKey: Error { let name: String }
    private struct OutOfRange: Error { let key: String, value: Int }

    private struct EditLine: Decodable {
        let edit: TextEdit

        struct Key: CodingKey {
            let stringValue: String
            init(_ name: String) { stringValue = name }
            init?(stringValue: String) { self.stringValue = stringValue }
            var intValue: Int? { nil }
            init?(intValue: Int) { nil }
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Key.self)
            if let unknown = container.allKeys.first(where: { !TextEdit.lineKeys.contains($0.stringValue) }) {
                throw UnknownKey(name: unknown.stringValue)
            }
            let position = try container.decode(Int.self, forKey: Key("pos"))
            let deleting = try container.decodeIfPresent(Int.self, forKey: Key("del")) ?? 0
            guard position >= 0 else { throw OutOfRange(key: "pos", value: position) }
            guard deleting >= 0 else { throw OutOfRange(key: "del", value: deleting) }
            edit = TextEdit(position: position, deleting: deleting,
                                        inserting: try container.decodeIfPresent(String.self, forKey: Key("ins")) ?? "")
        }
    }
}
