import Foundation
import WeftTestSupport

/// JSON lines for `weft apply`.
func editLines(_ edits: [(pos: Int, del: Int, ins: String)]) -> String {
    edits.map { edit in
        let escaped = edit.ins.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return "{\"pos\": \(edit.pos), \"del\": \(edit.del), \"ins\": \"\(escaped)\"}"
    }.joined(separator: "\n") + "\n"
}

