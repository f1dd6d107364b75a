import Foundation

/// A running process's resident memory (`VmRSS` in `/proc/PID/status`), in bytes; nil once it
/// is gone.
public func residentBytes(ofProcess pid: Int32) -> Int? {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
          let kilobytes = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap({ Int($0) })
    else { return nil }
    return kilobytes * 1_024
}
