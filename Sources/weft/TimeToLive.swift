import ArgumentParser

/// A token lifetime typed as a number and a unit: `90s`, `30m`, `24h`, `7d`.
struct TimeToLive: ExpressibleByArgument, Sendable {
    /// The longest lifetime accepted: tokens are meant to be short-lived.
    static let maximumSeconds: UInt64 = 366 * 86_400

    let seconds: UInt64

    init?(argument: String) {
        guard let unit = argument.last, let number = UInt64(argument.dropLast()), number > 0 else { return nil }
        let scale: UInt64
        switch unit {
        case "s": scale = 1
        case "m": scale = 60
        case "h": scale = 3_600
        case "d": scale = 86_400
        default: return nil
        }
        let (seconds, overflow) = number.multipliedReportingOverflow(by: scale)
        guard !overflow, seconds <= Self.maximumSeconds else { return nil }
        self.seconds = seconds
    }

    /// The lifetime as one would type it: `24h`, `7d`, `90s` (days from two on).
    var defaultValueDescription: String {
        for (unit, scale) in [("d", UInt64(86_400)), ("h", 3_600), ("m", 60)] where seconds % scale == 0 && (unit != "d" || seconds >= 2 * scale) {
            return "\(seconds / scale)\(unit)"
        }
        return "\(seconds)s"
    }
}
