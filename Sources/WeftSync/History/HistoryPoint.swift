import WeftWire

/// A point in a document's history as a person types it: a server sequence (`120`), a while ago
/// (`90s`, `30m`, `2h`, `7d`), or a UTC time (`2026-12-02T14:03`, `2026-12-02 14:03:10Z`,
/// `2026-12-02`). Pure.
public enum HistoryPoint: Hashable, Sendable {
    case serverSeq(UInt64)
    /// Milliseconds since 1970 (UTC).
    case time(UInt64)
    /// Milliseconds before now.
    case ago(UInt64)

    /// Parses `text`; nil when it is none of the forms above.
    public init?(parsing text: String) {
        if let seq = UInt64(text) {
            self = .serverSeq(seq)
            return
        }
        if let unit = text.last, let number = UInt64(text.dropLast()) {
            let scale: UInt64? = switch unit {
            case "s": 1_000
            case "m": 60_000
            case "h": 3_600_000
            case "d": 86_400_000
            default: nil
            }
            if let scale {
                let (value, overflow) = number.multipliedReportingOverflow(by: scale)
                guard !overflow else { return nil }
                self = .ago(value)
                return
            }
        }
        guard let time = Self.utc(text) else { return nil }
        self = .time(time)
    }

    /// Why `text` is not a point, in words that say what one looks like.
    public static func refusal(of text: String) -> String {
        let forms = "a sequence (120), a while ago (90s, 30m, 2h, 7d) or a UTC time (2026-12-02T14:03)"
        if text.hasPrefix("-"), HistoryPoint(parsing: String(text.dropFirst())) != nil {
            return "\(text) is not a point of the history: sequences count up from 1, and a while ago is written without a minus (\(text.dropFirst()))"
        }
        return "\(text.debugDescription) is not a point of the history: give \(forms)"
    }

    /// Why this point cannot be asked for at `nowMilliseconds`, or nil: a UTC time more than a
    /// minute ahead of the clock is a typo or a local time read as UTC, never a version.
    public func futureRefusal(nowMilliseconds: UInt64) -> String? {
        guard case .time(let time) = self, time > nowMilliseconds + 60_000 else { return nil }
        return "\(HistoryFormat.time(time)) is in the future: it is \(HistoryFormat.time(nowMilliseconds)) now (times are UTC)"
    }

    /// The part of a history this point needs: through its sequence, or up to its time.
    public func bound(nowMilliseconds: UInt64) -> HistoryBound {
        switch self {
        case .serverSeq(let seq): HistoryBound(throughSeq: seq)
        case .time(let time): HistoryBound(untilTime: time)
        case .ago(let milliseconds): HistoryBound(untilTime: nowMilliseconds >= milliseconds ? nowMilliseconds - milliseconds : 0)
        }
    }

    /// The sequence this point names in `replay`'s history (the newest committed at or before it).
    public func serverSeq(in replay: HistoryReplay, nowMilliseconds: UInt64) -> UInt64 {
        let bound = bound(nowMilliseconds: nowMilliseconds)
        if let time = bound.untilTime { return replay.serverSeq(atTime: time) }
        return bound.throughSeq ?? 0
    }

    /// `YYYY-MM-DD`, optionally `T` or a space and `HH:MM` or `HH:MM:SS`, optionally `Z`.
    static func utc(_ text: String) -> UInt64? {
        var text = Substring(text)
        if text.hasSuffix("Z") { text = text.dropLast() }
        let parts = text.split(whereSeparator: { $0 == "T" || $0 == " " })
        guard parts.count == 1 || parts.count == 2 else { return nil }
        let date = parts[0].split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
        guard date.count == 3, let year = date[0], let month = date[1], let day = date[2],
              (1970...9999).contains(year), (1...12).contains(month), (1...31).contains(day) else { return nil }
        var seconds = 0
        if parts.count == 2 {
            let clock = parts[1].split(separator: ":", omittingEmptySubsequences: false).map { Int($0) }
            guard clock.count == 2 || clock.count == 3, clock.allSatisfy({ $0 != nil }) else { return nil }
            let (hour, minute, second) = (clock[0]!, clock[1]!, clock.count == 3 ? clock[2]! : 0)
            guard (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second) else { return nil }
            seconds = hour * 3_600 + minute * 60 + second
        }
        return UInt64(daysSince1970(year: year, month: month, day: day) * 86_400 + seconds) * 1_000
    }

    /// The inverse of `HistoryFormat.civilDate` (Howard Hinnant's algorithm).
    static func daysSince1970(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
