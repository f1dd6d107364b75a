import Foundation

/// Names for files set aside beside a document's queue (`recovered-…`, `queue.weftq.damaged-…`):
/// the time in UTC, readable and sorting in order (`20261202T143005Z`), and a number after it
/// when a file of that name exists already, so two in one second never overwrite each other.
public enum FileStamp {
    /// `prefix` + stamp + `suffix` in `directory`, a name no file there has yet.
    public static func unused(in directory: URL, prefix: String, suffix: String = "", now: Date = Date()) -> URL {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        let stamp = formatter.string(from: now)
        var candidate = directory.appendingPathComponent(prefix + stamp + suffix)
        var number = 2
        while FileManager.default.fileExists(atPath: candidate.path) {
            candidate = directory.appendingPathComponent("\(prefix)\(stamp)-\(number)\(suffix)")
            number += 1
        }
        return candidate
    }
}
