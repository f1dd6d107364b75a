import Foundation
import WeftWire

/// How `weft blame` and `weft log` print: times in UTC, authors as recorded (`?` after a name
/// the relay could not verify). Pure.
public enum HistoryFormat {
    /// `2026-12-02 14:03Z`, or `unknown` (the relay committed it before it recorded times).
    public static func time(_ milliseconds: UInt64?) -> String {
        guard let milliseconds else { return "unknown" }
        let seconds = Int(milliseconds / 1_000)
        let days = seconds / 86_400, second = seconds % 86_400
        let (year, month, day) = civilDate(daysSince1970: days)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(year)-\(two(month))-\(two(day)) \(two(second / 3_600)):\(two(second / 60 % 60))Z"
    }

    /// From `start` to `end` in few words: `2026-12-02 14:03–14:20Z` within a day,
    /// `2026-12-02 14:03Z` when they are the same minute, else both times in full.
    public static func span(_ start: UInt64?, _ end: UInt64?) -> String {
        let from = time(start), to = time(end)
        guard from != to else { return from }
        guard start != nil, end != nil, from.prefix(11) == to.prefix(11) else { return "\(from) – \(to)" }
        return "\(from.dropLast())–\(to.dropFirst(11))"
    }

    /// The proleptic Gregorian date of a day number (Howard Hinnant's algorithm): no calendar or
    /// time zone objects, so the output is the same on every machine.
    static func civilDate(daysSince1970 days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// An author as printed; `unknown` when none was recorded.
    public static func author(_ author: BatchAuthor?) -> String { author?.description ?? "unknown" }

    /// `weft log`: one session a line, newest first (by its last batch): the time span, the
    /// author, `+inserted -deleted`, the sequences, and the excerpt in quotes.
    public static func log(_ sessions: [EditSession]) -> String {
        var output = ""
        for session in sessions.sorted(by: { $0.lastSeq > $1.lastSeq }) {
            let span = session.start == session.end ? time(session.start) : time(session.start) + " – " + time(session.end)
            let seqs = session.firstSeq == session.lastSeq ? "\(session.firstSeq)" : "\(session.firstSeq)–\(session.lastSeq)"
            output += "\(span)  \(author(session.author))  +\(session.inserted) -\(session.deleted)  seq \(seqs)  \"\(session.excerpt)\"\n"
        }
        return output
    }

    static func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let count = text.count
        guard count < width else { return text }
        let fill = String(repeating: " ", count: width - count)
        return right ? fill + text : text + fill
    }
}
