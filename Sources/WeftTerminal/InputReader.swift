import Foundation

/// Reads standard input on its own thread (a blocking read must not hold a task) and hands
/// decoded events to `deliver`. A lone ESC becomes the Escape key after `escapeDelay`.
public final class InputReader: @unchecked Sendable {
    private let deliver: @Sendable ([InputEvent]) -> Void
    private let ended: @Sendable () -> Void
    private let escapeDelay: Int32
    private let initial: [UInt8]

    /// - Parameters:
    ///   - escapeMilliseconds: how long an ESC waits for the rest of a sequence (vim's ttimeoutlen).
    ///   - initial: bytes read from the terminal before the reader started (`Terminal.pendingInput`).
    ///   - deliver: called on the reader thread with each burst of events.
    ///   - ended: called once when standard input closes (the terminal went away).
    public init(escapeMilliseconds: Int32 = 25, initial: [UInt8] = [], deliver: @escaping @Sendable ([InputEvent]) -> Void, ended: @escaping @Sendable () -> Void) {
        self.escapeDelay = escapeMilliseconds
        self.initial = initial
        self.deliver = deliver
        self.ended = ended
    }

    public func start() {
        let thread = Thread { [self] in run() }
        thread.name = "weft-input"
        thread.start()
    }

    private func run() {
        var decoder = KeyDecoder()
        let early = decoder.feed(initial)
        if !early.isEmpty { deliver(early) }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            var descriptor = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, decoder.isWaiting ? escapeDelay : -1)
            if ready == 0 {
                let events = decoder.flush()
                if !events.isEmpty { deliver(events) }
                continue
            }
            if ready < 0 {
                if errno == EINTR { continue }
                break
            }
            let count = buffer.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR || errno == EAGAIN { continue }
            guard count > 0 else { break }
            let events = decoder.feed(buffer[0..<count])
            if !events.isEmpty { deliver(events) }
        }
        let rest = decoder.flush()
        if !rest.isEmpty { deliver(rest) }
        ended()
    }
}
