import Foundation

/// Starts child processes one at a time. Tests start processes from many threads at once, and
/// Foundation's `Process.run()` on Linux has crashed inside that way (a bad read while copying
/// what the child gets, under a full parallel test run): taking turns costs microseconds.
public enum ProcessLaunch {
    private static let lock = NSLock()

    /// `process.run()`, never at the same time as another launch through here.
    public static func run(_ process: Process) throws {
        lock.lock()
        defer { lock.unlock() }
        try process.run()
    }
}
