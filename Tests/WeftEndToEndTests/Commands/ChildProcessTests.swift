import Foundation
import Testing
import WeftTestSupport
import WeftTestTraits
#if canImport(Glibc)
import Glibc
#endif

/// Test support starts programs whatever the test process has open: children start while
/// thousands of descriptors are open, and inherit none of them.
@Suite(.serialized, .ownThread) struct ChildProcessTests {
    /// The descriptors a child sees, from its own `/proc/self/fd`.
    static func descriptorsSeenByAChild() throws -> [Int] {
        let listing = try ChildProcess.run(URL(fileURLWithPath: "/bin/sh"), arguments: ["-c", "ls /proc/$$/fd"])
        #expect(listing.status == 0, "\(listing.stderr)")
        return listing.stdout.split(separator: "\n").compactMap { Int($0) }.sorted()
    }

    @Test func childrenStartWhileThousandsOfDescriptorsAreOpenAndInheritNone() throws {
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        let wanted: rlim_t = 3_000
        if limit.rlim_cur < wanted + 200, limit.rlim_max >= wanted + 200 {
            limit.rlim_cur = wanted + 200
            setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
        var held: [Int32] = []
        defer { held.forEach { close($0) } }
        // Enough that a listing of /proc/self/fd fills more than one 32 KiB directory buffer.
        while held.count < Int(wanted) {
            let descriptor = open("/dev/null", O_RDONLY)
            guard descriptor >= 0 else { break }
            held.append(descriptor)
        }
        #expect(held.count >= 2_000, "only \(held.count) descriptors could be opened")

        final class Seen: @unchecked Sendable {
            let lock = NSLock()
            var lists: [[Int]] = []
            func withLock<T>(_ body: (inout [[Int]]) -> T) -> T { lock.lock(); defer { lock.unlock() }; return body(&lists) }
        }
        let results = Seen()
        let threads = (0..<4).map { _ in
            Thread {
                for _ in 0..<5 {
                    let seen = (try? Self.descriptorsSeenByAChild()) ?? [-1]
                    results.withLock { $0.append(seen) }
                }
            }
        }
        threads.forEach { $0.start() }
        #expect(RelayProcess.waitUntil(.seconds(60)) { results.withLock { $0.count } == 20 })
        // 0, 1 and 2, and the descriptor `ls` reads the directory through.
        for seen in results.withLock({ $0 }) {
            #expect(seen.count <= 4 && Array(seen.prefix(3)) == [0, 1, 2], "the child saw \(seen.count) descriptors: \(seen.prefix(10))")
        }
    }

    @Test func aChildsExitStatusAndStreamsComeBack() throws {
        let result = try ChildProcess.run(URL(fileURLWithPath: "/bin/sh"), arguments: ["-c", "printf out; printf err >&2; exit 7"])
        #expect(result.status == 7 && result.stdout == "out" && result.stderr == "err")
        let killed = try ChildProcess(URL(fileURLWithPath: "/bin/sleep"), arguments: ["30"], standardInput: .null)
        #expect(killed.isRunning)
        killed.terminate()
        killed.waitUntilExit()
        #expect(killed.terminationStatus == SIGTERM)
    }
}
