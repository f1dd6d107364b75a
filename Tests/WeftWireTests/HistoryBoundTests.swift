import Testing
import WeftCRDT
import WeftTestSupport
import WeftWire

/// How far a history read goes: the prefix a bound admits, against the rule said plainly (the
/// entries before the first past its sequence, or committed after its time; unknown times older
/// than every known one), on histories whose clocks go back.
@Suite struct HistoryBoundTests {
    @Test func theBoundAdmitsThePrefixBeforeTheFirstEntryPastIt() {
        let seed = UInt64.random(in: 0...UInt64.max)
        var random = SeededGenerator(seed: seed)
        for round in 0..<500 {
            let entries = (0..<Int.random(in: 0...40, using: &random)).map { index in
                HistoryEntry(serverSeq: UInt64(index + 1), replica: ReplicaID(1), clientSeq: UInt64(index + 1), author: nil,
                             committedAt: Bool.random(using: &random) ? nil : UInt64.random(in: 0...100, using: &random), ops: [0])
            }
            let bound = HistoryBound(throughSeq: Bool.random(using: &random) ? UInt64.random(in: 0...45, using: &random) : nil,
                                     untilTime: Bool.random(using: &random) ? UInt64.random(in: 0...100, using: &random) : nil)
            let past = entries.firstIndex { entry in
                entry.serverSeq > (bound.throughSeq ?? .max) || (entry.committedAt ?? 0) > (bound.untilTime ?? .max)
            } ?? entries.count
            #expect(bound.count(within: entries) == past, "seed \(seed), round \(round): \(bound)")
        }
    }

    @Test func theQueryNamesWhatIsBound() {
        #expect(HistoryBound.none.query == "")
        #expect(HistoryBound(throughSeq: 7).query == "&through=7")
        #expect(HistoryBound(untilTime: 1_700_000_000_000).query == "&until=1700000000000")
        #expect(HistoryBound(throughSeq: 0, untilTime: 5).query == "&through=0&until=5")
    }
}
