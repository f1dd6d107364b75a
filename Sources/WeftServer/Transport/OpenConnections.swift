import HummingbirdWebSocket
import NIOCore
import NIOWebSocket
import Synchronization

/// Every connection the relay holds: it admits new ones within the limits (in all, and per remote
/// address), and at shutdown tells them to finish, then closes what is left.
final class OpenConnections: Sendable {
    /// At most this many connections at once, all addresses together.
    let limit: Int
    /// At most this many from one address; nil: no limit per address.
    let limitPerAddress: Int?
    private let state = Mutex(State())

    private struct State {
        var open: [ObjectIdentifier: Entry] = [:]
        var perAddress: [String: Int] = [:]
        var stopping = false
    }

    private struct Entry {
        let channel: any Channel
        let address: String
        /// The connection's outbox once it has joined a document.
        var outbox: Outbox?
    }

    init(limit: Int, limitPerAddress: Int?) {
        self.limit = limit
        self.limitPerAddress = limitPerAddress
    }

    /// Counts `channel` in, or says why not. An admitted channel is counted until it closes.
    func admit(_ channel: any Channel) -> ConnectionMetrics.Refusal? {
        let key = ObjectIdentifier(channel)
        // Connections without an IP address (a Unix socket) share one count.
        let address = channel.remoteAddress?.ipAddress ?? "local"
        let refusal: ConnectionMetrics.Refusal? = state.withLock { state in
            if state.stopping { return .stopping }
            if state.open.count >= limit { return .total }
            if let limitPerAddress, state.perAddress[address, default: 0] >= limitPerAddress { return .perAddress }
            state.open[key] = Entry(channel: channel, address: address)
            state.perAddress[address, default: 0] += 1
            return nil
        }
        guard refusal == nil else { return refusal }
        channel.closeFuture.whenComplete { [self] _ in
            state.withLock { state in
                guard let entry = state.open.removeValue(forKey: key) else { return }
                state.perAddress[entry.address]! -= 1
                if state.perAddress[entry.address] == 0 { state.perAddress[entry.address] = nil }
            }
        }
        return nil
    }

    var count: Int { state.withLock { $0.open.count } }

    /// Records the outbox of `channel`'s WebSocket, so shutdown can end it after what is queued;
    /// false when the relay is already stopping (the caller closes it then).
    func attach(_ outbox: Outbox, to channel: any Channel) -> Bool {
        state.withLock { state in
            guard !state.stopping, state.open[ObjectIdentifier(channel)] != nil else { return false }
            state.open[ObjectIdentifier(channel)]?.outbox = outbox
            return true
        }
    }

    /// Shutdown begins: no more connections are admitted, and every connection is told
    /// (`ChannelShouldQuiesceEvent`): those that have not sent a request or a hello yet close,
    /// idle HTTP connections close, and WebSockets stop reading new batches.
    func quiesce() {
        let channels = state.withLock { state in
            state.stopping = true
            return state.open.values.map(\.channel)
        }
        for channel in channels { channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent()) }
    }

    /// Ends every joined WebSocket with `code` after what its outbox holds.
    func closeSessions(code: WebSocketErrorCode, reason: String) {
        let outboxes = state.withLock { $0.open.values.compactMap(\.outbox) }
        for outbox in outboxes { outbox.close(code: code, reason: reason) }
    }

    /// Closes every connection still open; how many there were.
    @discardableResult
    func closeAll() -> Int {
        let channels = state.withLock { $0.open.values.map(\.channel) }
        for channel in channels { channel.close(promise: nil) }
        return channels.count
    }
}
