import Foundation
import Synchronization

/// A TCP proxy on 127.0.0.1 for fault tests: it forwards to a target port, splitting what it
/// forwards into random small pieces with random short delays, and cuts connections at random
/// moments. Given several targets it is a load balancer: each connection goes to a random one,
/// and to the next when that one refuses. Deterministic for a seed in what it decides (timing
/// still varies with the machine).
public final class FaultProxy: @unchecked Sendable {
    public let port: Int
    private let targetPorts: [Int]
    private let listener: Int32
    private let state: Mutex<(random: SeededGenerator, cuts: Int, running: Bool, cutting: Bool, unanswered: Int)>
    private let cutAfterBytes: ClosedRange<Int>?

    /// Connections cut so far.
    public var cuts: Int { state.withLock { $0.cuts } }

    /// Stops or resumes cutting (pieces and delays go on).
    public func setCutting(_ cutting: Bool) { state.withLock { $0.cutting = cutting } }

    /// Listens on a free loopback port and forwards to `targetPort`.
    /// - Parameters:
    ///   - cutAfter: each connection is cut after a random time in this range (milliseconds).
    public convenience init(targetPort: Int, seed: UInt64, cutAfter: ClosedRange<Int> = 30...400) throws {
        try self.init(targetPorts: [targetPort], seed: seed, cutAfter: cutAfter)
    }

    /// Listens on a free loopback port and spreads connections over `targetPorts`.
    /// - Parameters:
    ///   - cutAfter: each connection is cut after a random time in this range (milliseconds).
    ///   - cutAfterBytes: and, when given, once it has carried a random number of bytes in this
    ///     range (both directions together), whichever comes first: a link that breaks in the
    ///     middle of a long replay.
    ///   - unansweredFirst: the first this many connections reach no target: the proxy reads what
    ///     the client sends, then shuts the connection down without a byte of answer (as a proxy
    ///     cutting a connection mid-handshake does).
    public init(targetPorts: [Int], seed: UInt64, cutAfter: ClosedRange<Int> = 30...400, cutAfterBytes: ClosedRange<Int>? = nil,
                unansweredFirst: Int = 0) throws {
        self.cutAfterBytes = cutAfterBytes
        precondition(!targetPorts.isEmpty)
        self.targetPorts = targetPorts
        state = Mutex((SeededGenerator(seed: seed), 0, true, true, unansweredFirst))
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        var yes: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = Self.loopback(port: 0)
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, 64) == 0 else { throw HarnessError("fault proxy: cannot listen: \(String(cString: strerror(errno)))") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        let cutRange = cutAfter
        Thread.detachNewThread { [self] in self.acceptLoop(cutAfter: cutRange) }
    }

    deinit {
        state.withLock { $0.running = false }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private static func loopback(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    private func random(_ range: ClosedRange<Int>) -> Int {
        state.withLock { Int.random(in: range, using: &$0.random) }
    }

    private func acceptLoop(cutAfter: ClosedRange<Int>) {
        while state.withLock({ $0.running }) {
            let client = accept(listener, nil, nil)
            guard client >= 0 else {
                let failure = errno
                guard state.withLock({ $0.running }) else { return }
                // A connection reset while queued (ECONNABORTED), or fds or memory short for a
                // moment: take the next one. Returning would leave clients queued and unanswered.
                FileHandle.standardError.write(Data("fault proxy: accept failed: \(String(cString: strerror(failure))); going on\n".utf8))
                usleep(10_000)
                continue
            }
            if state.withLock({ proxy in defer { proxy.unanswered -= 1 }; return proxy.unanswered > 0 }) {
                Thread.detachNewThread {
                    var request = [UInt8](repeating: 0, count: 4_096)
                    _ = read(client, &request, request.count)
                    shutdown(client, Int32(SHUT_RDWR))
                    usleep(200_000)
                    close(client)
                }
                continue
            }
            let first = random(0...(targetPorts.count - 1))
            var found: Int32 = -1
            for offset in targetPorts.indices {
                let candidate = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
                var address = Self.loopback(port: UInt16(targetPorts[(first + offset) % targetPorts.count]))
                let connected = withUnsafePointer(to: &address) { pointer in
                    pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(candidate, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
                }
                if connected == 0 {
                    found = candidate
                    break
                }
                close(candidate)
            }
            guard found >= 0 else {
                FileHandle.standardError.write(Data("fault proxy: no target port accepts a connection; closing the client's\n".utf8))
                close(client)
                continue
            }
            let upstream = found
            let lifetime = random(cutAfter)
            let link = Link(client: client, upstream: upstream, byteBudget: cutAfterBytes.map(random) ?? .max)
            Thread.detachNewThread { [self] in pump(from: client, to: upstream, link: link); link.shut() }
            Thread.detachNewThread { [self] in pump(from: upstream, to: client, link: link); link.shut() }
            Thread.detachNewThread { [self] in
                usleep(UInt32(lifetime * 1000))
                if state.withLock({ $0.cutting }), link.shut() { state.withLock { $0.cuts += 1 } }
                // Both pumps end after a shutdown; close once they surely have.
                while !link.isShut { usleep(50_000) }
                usleep(200_000)
                close(client); close(upstream)
            }
        }
    }

    /// One proxied connection: both sockets, shut down once.
    private final class Link: Sendable {
        let client: Int32, upstream: Int32
        private let shutState = Mutex(false)
        /// Bytes the link may still carry before it is cut.
        private let budget: Mutex<Int>
        init(client: Int32, upstream: Int32, byteBudget: Int) {
            (self.client, self.upstream) = (client, upstream)
            budget = Mutex(byteBudget)
        }
        /// Counts `bytes` carried; false once the budget is spent.
        func carry(_ bytes: Int) -> Bool { budget.withLock { $0 -= bytes; return $0 > 0 } }
        var isShut: Bool { shutState.withLock { $0 } }
        /// Shuts both directions; true if this call did it.
        @discardableResult func shut() -> Bool {
            let first = shutState.withLock { value in defer { value = true }; return !value }
            if first { shutdown(client, Int32(SHUT_RDWR)); shutdown(upstream, Int32(SHUT_RDWR)) }
            return first
        }
    }

    /// Copies bytes until either side ends, in random pieces of 1–600 bytes, sometimes pausing.
    private func pump(from source: Int32, to destination: Int32, link: Link) {
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = read(source, &buffer, buffer.count)
            guard count > 0 else { return }
            var offset = 0
            while offset < count {
                let piece = min(count - offset, random(1...600))
                if !link.carry(piece), state.withLock({ $0.cutting }) {
                    if link.shut() { state.withLock { $0.cuts += 1 } }
                    return
                }
                // MSG_NOSIGNAL: a peer that went away must not SIGPIPE the test process.
                let written = buffer.withUnsafeBytes { send(destination, $0.baseAddress! + offset, piece, Int32(MSG_NOSIGNAL)) }
                guard written > 0 else { return }
                offset += written
                if random(0...9) == 0 { usleep(UInt32(random(100...3_000))) }
            }
        }
    }
}
