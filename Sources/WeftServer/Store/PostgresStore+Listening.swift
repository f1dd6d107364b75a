import Logging
import NIOCore
import PostgresNIO
import WeftWire

extension PostgresStore {
    /// Runs the connection pool and the notification listener until cancelled.
    /// - Parameters:
    ///   - storeAdvanced: a commit (this relay's or another's) took `document`'s log to `head`.
    ///   - listening: the listener (re)started; notifications before it may have been missed.
    public func run(storeAdvanced: @escaping @Sendable (DocumentName, UInt64) async -> Void,
                    listening: @escaping @Sendable () async -> Void) async {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.client.run() }
            group.addTask { await self.listen(storeAdvanced: storeAdvanced, listening: listening) }
        }
    }

    /// Runs the connection pool alone (a command that only queries), until cancelled.
    public func runPool() async {
        await client.run()
    }

    /// LISTENs on its own connection (a pooled one would be handed to queries), and comes back
    /// after any failure, quickly at first and then every two seconds.
    private func listen(storeAdvanced: @escaping @Sendable (DocumentName, UInt64) async -> Void,
                        listening: @escaping @Sendable () async -> Void) async {
        var delay = Duration.milliseconds(100)
        var attempt = 0
        while !Task.isCancelled {
            attempt += 1
            var connection: PostgresConnection?
            do {
                let opened = try await PostgresConnection.connect(configuration: try location.connectionConfiguration(), id: attempt, logger: logger)
                connection = opened
                try await opened.listen(on: Self.channel) { notifications in
                    let recovered = listenerProblem.withLock { problem in
                        defer { problem = nil }
                        return problem
                    }
                    if attempt > 1, let recovered { logger.notice("listening for other relays' commits again", metadata: ["after": "\(recovered)"]) }
                    delay = .milliseconds(100)
                    await listening()
                    for try await notification in notifications {
                        guard let (name, head) = Self.parse(notification.payload) else {
                            logger.warning("ignored a notification that is not HEAD NAME", metadata: ["payload": "\(notification.payload.prefix(200))"])
                            continue
                        }
                        await storeAdvanced(name, head)
                    }
                }
                listenerProblem.withLock { $0 = "the connection listening for other relays' commits closed" }
            } catch {
                let problem = "not listening for other relays' commits: \(Self.describe(error))"
                let first = listenerProblem.withLock { current in
                    defer { current = problem }
                    return current == nil || attempt == 1
                }
                if first { logger.warning("PostgreSQL notifications are down; retrying", metadata: ["reason": "\(Self.describe(error))"]) }
            }
            try? await connection?.close()
            if Task.isCancelled { break }
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, .seconds(2))
        }
    }

    /// `HEAD NAME`, as commits send it.
    static func parse(_ payload: String) -> (DocumentName, UInt64)? {
        guard let space = payload.firstIndex(of: " "), let head = UInt64(payload[..<space]),
              let name = try? DocumentName(String(payload[payload.index(after: space)...])) else { return nil }
        return (name, head)
    }
}
