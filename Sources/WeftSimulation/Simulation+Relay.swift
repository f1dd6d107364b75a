import WeftCRDT
import WeftServer
import WeftWire

/// Relays: a connection's messages to the room scheduler, and its actions performed on the links
/// and the shared store, each store operation taking virtual time.
extension Simulation {
    func receive(_ relay: SimRelay, link id: UInt64, _ bytes: [UInt8]) {
        let message: ClientMessage
        do {
            message = try ClientMessage(decoding: bytes)
        } catch {
            return refuse(relay, id, error)
        }
        let joined = relay.connections[id] ?? false
        switch message {
        case .hello(let hello):
            guard !joined else { return refuse(relay, id, WireError(.malformed, "hello was already sent on this connection")) }
            guard hello.document == document else { return refuse(relay, id, WireError(.malformed, "hello names another document")) }
            if relay.room == nil || relay.room!.isBroken {
                do {
                    // As Weft's relay: reading makes no document.
                    if hello.readOnly, try store.documents(named: document).isEmpty {
                        if hello.epoch != 0, try store.isRetired(hello.epoch, of: document) {
                            return refuse(relay, id, ReplicaAdmission.retired(document))
                        }
                        return refuse(relay, id, ReplicaAdmission.noDocument(document))
                    }
                    relay.roomIncarnation += 1
                    relay.room = RoomScheduler(log: try DocumentLog(document: document, stored: store.open(document)), compaction: relay.compaction)
                } catch {
                    return refuse(relay, id, WireError(.unavailable, "the relay cannot open this document now; try again later"))
                }
            }
            if let refusal = admit(hello, at: relay) { return refuse(relay, id, refusal) }
            relay.connections[id] = true
            feed(relay, .join(connection: id, hello: hello, readOnly: hello.readOnly, storedAtLast: storedBatch(at: hello, in: relay)))
        case .batch(let clientSeq, let ops), .restore(let clientSeq, let ops):
            guard joined, let room = relay.room else { return refuse(relay, id, WireError(.malformed, "the first message must be hello")) }
            var restoring = false
            var writers: Set<ReplicaID> = []
            if case .restore = message {
                restoring = true
                // As Weft's relay: the replicas whose lost characters this batch may give back.
                do {
                    writers = try store.replicasWriting(in: document, among: room.log.replicasGivenBack(in: ops))
                } catch {
                    return refuse(relay, id, WireError(.unavailable, "the relay cannot check this restore batch now; try again later"))
                }
            }
            feed(relay, .submit(connection: id, clientSeq: clientSeq, ops: ops, restoring: restoring, writers: writers))
        case .presence(let presence):
            guard joined, relay.room != nil else { return refuse(relay, id, WireError(.malformed, "the first message must be hello")) }
            feed(relay, .presence(connection: id, presence))
        }
    }

    /// What Weft's relay checks of a hello before the room sees it: the room follows an epoch
    /// another relay moved the document to; the replica's key is bound or checked
    /// (`ReplicaAdmission`); a restoring writer's earlier replicas are retired. Each a store
    /// lookup, taking no virtual time here.
    private func admit(_ hello: Hello, at relay: SimRelay) -> WireError? {
        if hello.epoch != 0, let room = relay.room, hello.epoch != room.log.epoch,
           let current = try? store.epoch(of: document), current != room.log.epoch {
            feed(relay, .epochFollowed(current))
        }
        guard let room = relay.room else { return WireError(.unavailable, "the relay cannot open this document now; try again later") }
        let offered = ReplicaAdmission.storedHash(of: hello.replicaKey)
        let binds = ReplicaAdmission.binds(helloEpoch: hello.epoch, roomEpoch: room.log.epoch, readOnly: hello.readOnly)
        do {
            let bound = try store.replicaKey(hello.replica, in: document, bindingTo: binds ? offered : nil)
            if let refusal = ReplicaAdmission.refusal(replica: hello.replica, document: document, bound: bound, offered: offered) { return refusal }
            if hello.restoring, !hello.readOnly {
                for earlier in hello.formerReplicas {
                    _ = try store.retireReplica(earlier.replica, in: document, keyHash: ReplicaAdmission.storedHash(of: earlier.key) ?? [])
                }
            }
        } catch {
            return WireError(.unavailable, "the relay cannot check this replica's key now; try again later")
        }
        return nil
    }

    /// As Weft's relay: the batch the store's history holds at the hello's last server sequence,
    /// where the room's log does not index it.
    private func storedBatch(at hello: Hello, in relay: SimRelay) -> LogPosition? {
        guard let seq = relay.room?.log.sequenceToLookUp(for: hello),
              let read = try? store.history(of: document, after: seq - 1, within: HistoryReadLimit(entries: 1)) else { return nil }
        return DocumentLog.batch(at: seq, in: read.entries)
    }

    private func refuse(_ relay: SimRelay, _ id: UInt64, _ error: WireError) {
        record("relay \(relay.index) refuses link \(id): \(error.code): \(error.message)")
        sendToClient(id, .error(error, fatal: true))
        closeFromRelay(id)
    }

    /// Feeds the relay's room one event and performs what it returns; a connection it closes
    /// leaves the room at once.
    func feed(_ relay: SimRelay, _ event: RoomScheduler.Event) {
        var pending = [event]
        // What one event has for each connection leaves together, as Weft's relay writes what
        // waits for a connection at once.
        var outgoing: [UInt64: [ServerMessage]] = [:]
        var order: [UInt64] = []
        func queue(_ connection: UInt64, _ message: ServerMessage) {
            if outgoing[connection] == nil { order.append(connection) }
            outgoing[connection, default: []].append(message)
        }
        func flush(_ connection: UInt64) {
            guard let messages = outgoing.removeValue(forKey: connection) else { return }
            sendToClient(connection, bundling: messages)
        }
        defer { for connection in order { flush(connection) } }
        while !pending.isEmpty, relay.room != nil {
            let actions = relay.room!.handle(pending.removeFirst())
            for action in actions {
                switch action {
                case .send(let connection, let message), .replay(let connection, let message):
                    queue(connection, message)
                    // As Weft's relay does for clients that keep receipts (all of the simulated
                    // ones): one after each ack, and after a welcome naming durable batches. The
                    // simulated relay checks no proof, so it signs none.
                    switch message {
                    case .ack(let clientSeq, let serverSeq): queue(connection, .receipt(Receipt(clientSeq: clientSeq, serverSeq: serverSeq, proof: [])))
                    case .welcome(let welcome) where welcome.lastClientSeq > 0:
                        queue(connection, .receipt(Receipt(clientSeq: welcome.lastClientSeq, serverSeq: welcome.serverSeq, proof: [])))
                    default: break
                    }
                case .sendAway(let connection, let error):
                    queue(connection, .error(error, fatal: true))
                    flush(connection)
                    let joined = relay.connections[connection] ?? false
                    closeFromRelay(connection)
                    if joined { pending.append(.leave(connection: connection)) }
                case .close(let connection):
                    flush(connection)
                    let joined = relay.connections[connection] ?? false
                    closeFromRelay(connection)
                    if joined { pending.append(.leave(connection: connection)) }
                case .commit(let batches):
                    relay.commitInFlight = batches
                    schedule(.storeOperation(relay: relay.index, generation: relay.roomIncarnation, action), after: commitLatency())
                case .read, .readForReplay, .readSnapshot, .renewEpoch, .compact:
                    schedule(.storeOperation(relay: relay.index, generation: relay.roomIncarnation, action), after: VirtualTime(int(100_000...4_000_000)))
                }
            }
            if let room = relay.room, room.isBroken {
                record("relay \(relay.index)'s room broke (\(room.brokenBecause ?? "")); it reloads on the next connection")
                relay.room = nil
            }
        }
    }

    /// How long a commit takes: usually milliseconds, sometimes seconds (a busy database), which
    /// leaves accepted batches undurable long enough for their clients to reconnect meanwhile.
    func commitLatency() -> VirtualTime {
        if options.faults, healedAt == nil, chance(0.03) { return .milliseconds(int(200...4_000)) }
        return VirtualTime(int(500_000...12_000_000))
    }

    /// A store operation the relay started finishes now, against the store as it is now.
    func storeOperation(relay index: Int, generation: Int, _ action: RoomScheduler.Action) {
        let relay = relays[index]
        guard relay.alive else { return }
        guard relay.roomIncarnation == generation, let room = relay.room, !room.isBroken else {
            // The room that started it broke meanwhile: a transaction already sent still lands.
            if case .commit(let batches) = action {
                relay.commitInFlight = nil
                if (try? commit(batches, by: relay)) != nil { record("relay \(index): a commit of a former room landed") }
            }
            return
        }
        let event: RoomScheduler.Event
        switch action {
        case .commit(let batches):
            relay.commitInFlight = nil
            do {
                event = .committed(try commit(batches, by: relay))
            } catch {
                record("relay \(index): commit of \(batches.count) batches failed: \(error)")
                event = .storeFailed("\(error)")
            }
        case .read(let after, let limit):
            do { event = .read(try store.entries(of: document, after: after, limit: limit)) } catch { event = .storeFailed("\(error)") }
        case .readForReplay(let connection, let after, let limit):
            do {
                event = .replayRead(connection: connection, try store.entries(of: document, after: after, limit: limit))
            } catch {
                event = .replayFailed(connection: connection, "\(error)")
            }
        case .readSnapshot(let connection):
            do {
                let snapshot = try store.snapshot(of: document)
                event = .snapshotRead(connection: connection, bytes: snapshot.bytes, serverSeq: snapshot.serverSeq)
            } catch {
                event = .replayFailed(connection: connection, "\(error)")
            }
        case .renewEpoch(let from):
            do { event = .epochRenewed(try store.renewEpoch(of: document, from: from)) } catch { event = .storeFailed("\(error)") }
        case .compact(let due):
            do {
                try store.compact(document, snapshot: due.snapshot, serverSeq: due.serverSeq, keepAfter: due.floor)
                record("relay \(index) compacted at \(due.serverSeq), keeping the log after \(due.floor)")
                event = .compacted(due, stored: true)
            } catch {
                event = .compacted(due, stored: false)
            }
        case .send, .replay, .close, .sendAway:
            return
        }
        feed(relay, event)
    }

    /// Commits to the shared store, recording what was appended, and notifies the other relays.
    func commit(_ batches: [PendingBatch], by relay: SimRelay) throws -> CommitResult {
        let result = try store.commit(batches, to: document)
        for (index, batch) in batches.enumerated() where result.appended[index] {
            ledger.committed(LogEntry(serverSeq: result.serverSeqs[index], replica: batch.replica, clientSeq: batch.clientSeq, ops: batch.ops),
                             failing: fail)
            report.batchesCommitted += 1
        }
        if result.appended.contains(true) {
            for other in relays where other.index != relay.index && other.alive {
                schedule(.notified(relay: other.index, generation: other.generation, head: result.head), after: latency())
            }
        }
        return result
    }

    /// The relay process dies: its connections break, and what it had not committed is lost; a
    /// commit on its way may have reached the store or not.
    func kill(relay index: Int) {
        let relay = relays[index]
        guard relay.alive else { return }
        if let batches = relay.commitInFlight, chance(0.5) {
            _ = try? commit(batches, by: relay)
            record("relay \(index) dies just after its commit of \(batches.count) batches")
        } else {
            record("relay \(index) dies\(relay.commitInFlight.map { " before its commit of \($0.count) batches" } ?? "")")
        }
        relay.alive = false
        relay.generation += 1
        relay.roomIncarnation += 1
        relay.room = nil
        relay.commitInFlight = nil
        for id in relay.connections.keys.sorted() { cut(id) }
        relay.connections = [:]
    }

    func restart(relay index: Int) {
        let relay = relays[index]
        relay.alive = true
        record("relay \(index) starts again")
    }
}
