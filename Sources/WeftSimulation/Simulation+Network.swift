import WeftCRDT
import WeftServer
import WeftSync
import WeftWire

/// The in-memory transport: links between clients and relays, whose messages are encoded and
/// decoded by the wire codec, delayed, kept in order, and lost when a link is cut.
extension Simulation {
    func connect(_ client: SimClient) {
        let relayIndex = int(0...(relays.count - 1))
        let relay = relays[relayIndex]
        let id = nextLink
        nextLink += 1
        links[id] = Link(client: client.index, relay: relayIndex, relayGeneration: relay.generation, highest: client.machine.lastServerSeq,
                         helloEpoch: client.machine.epoch)
        client.link = id
        schedule(.connectDeadline(client: client.index, link: id), after: .seconds(15))
        if partitioned.contains(client.index) || !relay.alive {
            schedule(.closedAtClient(link: id, reason: "connection refused"), after: latency())
        } else {
            schedule(.linkOpened(link: id), after: latency())
        }
    }

    func linkOpened(_ id: UInt64) {
        guard var link = links[id], link.openAtClient, !link.cut else { return }
        let relay = relays[link.relay]
        guard relay.alive, relay.generation == link.relayGeneration, !partitioned.contains(link.client) else {
            return schedule(.closedAtClient(link: id, reason: "connection refused"), after: latency())
        }
        link.openAtRelay = true
        links[id] = link
        relay.connections[id] = false
        let client = clients[link.client]
        guard client.running, client.link == id else { return }
        record("client \(link.client) connected to relay \(link.relay) (link \(id))")
        feed(client, .connected)
    }

    func sendToRelay(_ id: UInt64, _ message: ClientMessage) {
        guard var link = links[id], link.openAtClient, !link.cut else { return }
        let arrival = max(link.lastToRelay, now + latency())
        link.lastToRelay = arrival
        links[id] = link
        events.push(.toRelay(link: id, bytes: message.encoded()), at: arrival)
    }

    func sendToClient(_ id: UInt64, _ message: ServerMessage) {
        sendToClient(id, bytes: message.encoded())
    }

    /// Sends `messages` as Weft's relay does to a client that takes bundles (every simulated
    /// one): runs of them in one WebSocket message each, a snapshot alone.
    func sendToClient(_ id: UInt64, bundling messages: [ServerMessage]) {
        let encoded = messages.map { $0.encoded() }
        let sizes = zip(messages, encoded).map { message, bytes in message.travelsInBundles ? bytes.count : nil }
        for run in RelayBundle.runs(sizes: sizes) {
            sendToClient(id, bytes: run.count == 1 ? encoded[run.lowerBound] : RelayBundle.encode(Array(encoded[run])))
        }
    }

    private func sendToClient(_ id: UInt64, bytes: [UInt8]) {
        guard var link = links[id], link.openAtRelay, !link.cut else { return }
        let arrival = max(link.lastToClient, now + latency())
        link.lastToClient = arrival
        links[id] = link
        events.push(.toClient(link: id, bytes: bytes), at: arrival)
    }

    /// The client ends the link: what it sent before still arrives, then the relay sees it close.
    func closeFromClient(_ id: UInt64) {
        guard var link = links[id], link.openAtClient else { return }
        link.openAtClient = false
        links[id] = link
        if !link.cut { events.push(.closedAtRelay(link: id), at: max(link.lastToRelay, now + latency())) }
    }

    /// The relay ends the link, after what it sent before.
    func closeFromRelay(_ id: UInt64) {
        guard var link = links[id], link.openAtRelay else { return }
        link.openAtRelay = false
        links[id] = link
        relays[link.relay].connections[id] = nil
        if !link.cut { events.push(.closedAtClient(link: id, reason: "the relay closed the connection"), at: max(link.lastToClient, now + latency())) }
    }

    /// The link breaks at once: messages on the way are lost, and each end learns of it.
    func cut(_ id: UInt64) {
        guard var link = links[id], !link.cut, link.openAtClient || link.openAtRelay else { return }
        link.cut = true
        links[id] = link
        record("link \(id) (client \(link.client), relay \(link.relay)) cut")
        schedule(.closedAtClient(link: id, reason: "connection reset"), after: latency())
        schedule(.closedAtRelay(link: id), after: latency())
    }

    func closedAtClient(_ id: UInt64, reason: String) {
        guard var link = links[id], link.openAtClient else { return forgetIfClosed(id) }
        link.openAtClient = false
        links[id] = link
        let client = clients[link.client]
        if client.running, client.link == id {
            client.link = nil
            feed(client, .disconnected(reason: reason))
        }
        forgetIfClosed(id)
    }

    func closedAtRelay(_ id: UInt64) {
        guard var link = links[id], link.openAtRelay else { return forgetIfClosed(id) }
        link.openAtRelay = false
        links[id] = link
        let relay = relays[link.relay]
        let joined = relay.connections.removeValue(forKey: id) ?? false
        if relay.alive, relay.generation == link.relayGeneration, joined, relay.room != nil { feed(relay, .leave(connection: id)) }
        forgetIfClosed(id)
    }

    private func forgetIfClosed(_ id: UInt64) {
        if let link = links[id], !link.openAtClient, !link.openAtRelay { links[id] = nil }
    }

    func deliverToRelay(_ id: UInt64, _ bytes: [UInt8]) {
        guard let link = links[id], link.openAtRelay, !link.cut else { return }
        let relay = relays[link.relay]
        guard relay.alive, relay.generation == link.relayGeneration else { return }
        receive(relay, link: id, bytes)
    }

    func deliverToClient(_ id: UInt64, _ bytes: [UInt8]) {
        guard var link = links[id], link.openAtClient, !link.cut else { return }
        let client = clients[link.client]
        guard client.running, client.link == id else { return }
        let messages: [ServerMessage]
        do {
            messages = try ServerMessage.messages(decoding: bytes)
        } catch {
            return fail("client \(link.client) could not decode a relay message: \(error)")
        }
        for message in messages {
            checkSequence(message, on: &link, client: link.client)
            links[id] = link
            feed(client, .received(message))
            // Feeding the client may have ended the link.
            guard let current = links[id], current.openAtClient, !current.cut, client.running, client.link == id else { return }
            link = current
        }
    }

    /// Server sequences on one connection are gapless and increasing, and `caught-up` never names
    /// one not delivered yet.
    private func checkSequence(_ message: ServerMessage, on link: inout Link, client: Int) {
        switch message {
        case .welcome(let welcome):
            // A client of another epoch has applied none of this one's log: it is replayed whole.
            if link.helloEpoch != 0, welcome.epoch != link.helloEpoch { link.highest = 0 }
        case .snapshot(let serverSeq, _):
            link.snapshotSeq = max(link.snapshotSeq, serverSeq)
            link.highest = max(link.highest, serverSeq)
        case .broadcast(let serverSeq, _, _, _):
            if serverSeq > link.highest + 1 { fail("client \(client): broadcast \(serverSeq) after \(link.highest) on one connection (a gap)") }
            if serverSeq <= link.highest, serverSeq > link.snapshotSeq { fail("client \(client): broadcast \(serverSeq) again after \(link.highest) on one connection") }
            link.highest = max(link.highest, serverSeq)
        case .ack(_, let serverSeq):
            if serverSeq > link.highest + 1 { fail("client \(client): ack as \(serverSeq) after \(link.highest) on one connection (a gap)") }
            link.highest = max(link.highest, serverSeq)
        case .caughtUp(let serverSeq):
            if serverSeq > link.highest { fail("client \(client): caught-up at \(serverSeq) with only \(link.highest) delivered on the connection") }
        default:
            break
        }
    }
}
