import NIOCore
import Synchronization

/// Every connection the relay holds: it admits new ones within the limits (in all, and per remote
/// address).
final class OpenConnections: Sendable {
    /// At most this many connections at once, all addresses together.
    let limit: Int
    /// At most this many from one address; nil: no limit per address.
    let limitPerAddress: Int?
    private let state = Mutex(State())

    private struct State {
        var open: [ObjectIdentifier: Entry] = [:]
        var perAddress: [String: Int] = [:]
    }

    private struct Entry {
        let channel: any Channel
        let address: String
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
}
