import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import WeftCRDT
import WeftSync
import WeftTestSupport
import WeftWire

/// `/history/NAME?after=N&through=SEQ&until=MS`: the beginning of a history up to a bound, across
/// packed history and the log, with `more` saying whether the history goes on.
@Suite(.serialized) struct HistoryBoundEndpointTests {
    func page(_ relay: RelayProcess, _ query: String) async throws -> (status: Int, page: HistoryPage?, text: String) {
        let (data, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(relay.port)/history/notes?\(query)")!)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        return (status, status == 200 ? try HistoryPage(decoding: [UInt8](data)) : nil, String(decoding: data, as: UTF8.self))
    }

    @Test func aBoundedReadEndsAtItsBoundAndSaysWhetherMoreFollow() async throws {
        let directory = TemporaryDirectory.path("relay")
        defer { try? FileManager.default.removeItem(at: directory) }
        let relay = try RelayProcess(dataDirectory: directory, extraArguments: ["--compact-every", "8", "--compact-keep", "2"])
        defer { relay.kill() }
        var alice = Replica(replicaID: ReplicaID(0xA))
        let (client, _, _) = try await RelayTests.join(relay, replica: alice.replicaID)
        let batches: UInt64 = 30
        for seq in 1...batches {
            try await client.send(.batch(clientSeq: seq, ops: [try alice.insert("\(seq) ", at: alice.count)!]))
            #expect(await client.receive() == .ack(clientSeq: seq, serverSeq: seq))
        }
        await client.close()

        for after: UInt64 in [0, 1, 7, 16, 29, 30] {
            for through: UInt64 in 0...(batches + 2) {
                let (status, page, text) = try await page(relay, "after=\(after)&through=\(through)")
                let expected = Array(stride(from: after + 1, through: min(through, batches), by: 1))
                #expect(status == 200 && page?.entries.map(\.serverSeq) == expected, "after \(after) through \(through): \(text.prefix(200))")
                #expect(page?.more == (max(after, through) < batches), "after \(after) through \(through)")
            }
        }
        // Times: before every batch, nothing (and more follows); far ahead, all of it.
        let (_, early, _) = try await page(relay, "until=0")
        #expect(early?.entries.isEmpty == true && early?.more == true)
        let (_, late, _) = try await page(relay, "after=3&until=\(UInt64.max)")
        #expect(late?.entries.map(\.serverSeq) == Array(4...batches) && late?.more == false)
        let (_, both, _) = try await page(relay, "through=5&until=\(UInt64.max)")
        #expect(both?.entries.count == 5 && both?.more == true)

        for value in ["five", "99999999999999999999999"] {
            let (badThrough, _, throughWords) = try await page(relay, "through=\(value)")
            #expect(badThrough == 400 && throughWords.hasPrefix("malformed: through= takes a server sequence (a whole number below 2^64)"), "\(throughWords)")
        }
        let (badUntil, _, untilWords) = try await page(relay, "until=-1")
        #expect(badUntil == 400 && untilWords.hasPrefix("malformed: until= takes a time in milliseconds"))
    }

    /// A page of large batches ends with the one that brings it to a megabyte, and a client reads
    /// the pages one after another into the whole history.
    @Test func aPageOfLargeBatchesEndsAtAMegabyte() async throws {
        let directory = TemporaryDirectory.path("relay")
        defer { try? FileManager.default.removeItem(at: directory) }
        let relay = try RelayProcess(dataDirectory: directory)
        defer { relay.kill() }
        var alice = Replica(replicaID: ReplicaID(0xA))
        let (client, _, _) = try await RelayTests.join(relay, replica: alice.replicaID)
        for seq: UInt64 in 1...5 {
            let text = String(repeating: Character(Unicode.Scalar(UInt8(0x60 + seq))), count: 300_000)
            try await client.send(.batch(clientSeq: seq, ops: [try alice.insert(text, at: alice.count)!]))
            #expect(await client.receive() == .ack(clientSeq: seq, serverSeq: seq))
        }
        await client.close()

        // 300 KB, 600 KB, 900 KB: under a megabyte, so a fourth entry; 1.2 MB ends the page.
        let (_, first, _) = try await page(relay, "after=0")
        #expect(first?.entries.map(\.serverSeq) == [1, 2, 3, 4] && first?.more == true)
        let (_, last, _) = try await page(relay, "after=4")
        #expect(last?.entries.map(\.serverSeq) == [5] && last?.more == false)
        let (_, bounded, _) = try await page(relay, "after=0&through=2")
        #expect(bounded?.entries.map(\.serverSeq) == [1, 2] && bounded?.more == true)

        let address = try DocumentAddress(parsing: "ws://127.0.0.1:\(relay.port)/notes", defaultServer: "127.0.0.1:\(relay.port)")
        let (history, continues) = try await HistoryFetch.history(of: address, token: "", caFile: nil)
        #expect(history.entries.map(\.serverSeq) == [1, 2, 3, 4, 5] && !continues)
        var replay = try HistoryReplay(history)
        try replay.advance()
        #expect(replay.replica.text == "abcde".map { String(repeating: $0, count: 300_000) }.joined())
    }
}
