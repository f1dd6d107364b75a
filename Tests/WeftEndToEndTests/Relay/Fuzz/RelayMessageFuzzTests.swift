import Foundation
import Synchronization
import Testing
import WeftTestSupport

/// The relay's message path under mutated input: decoding, the opening hello, the checks of each
/// batch, applying it, committing, compacting (`RelayMessageHarness` says what is checked after
/// each input). A few seconds in every test run; `WEFT_FUZZ_SECONDS=3600` runs it for an hour,
/// `WEFT_FUZZ_SEED=N` repeats a run (the seed is printed at the start and in every failure).
///
/// Not on a thread of its own (`.ownThread`): it blocks no thread, its rooms run on their own
/// queues, and a test task preferring a task executor of its own lost wake-ups from rooms on
/// their serial executors in this Swift runtime (the input then never finished).
@Suite(.serialized) struct RelayMessageFuzzTests {
    static var seconds: Double {
        ProcessInfo.processInfo.environment["WEFT_FUZZ_SECONDS"].flatMap(Double.init) ?? 3
    }

    /// Every seed as it is: the examples and vectors are what correct and hostile clients send.
    @Test func everySeedIsTakenOrRefused() async throws {
        let harness = try RelayMessageHarness()
        for (index, seed) in try RelayFuzzSeeds.all().enumerated() {
            do {
                try await harness.run(seed)
            } catch {
                Issue.record("seed \(index): \(error)\n\(seed)")
                break
            }
        }
        await harness.close()
    }

    /// Mutations of the seeds, for `WEFT_FUZZ_SECONDS` (3 by default). The first failure is cut
    /// down (messages dropped, bytes cut while it still fails on a fresh store) and reported with
    /// the seed and the input, ready to paste into a regression test.
    @Test func mutatedMessagesAreTakenOrRefused() async throws {
        let seed = ProcessInfo.processInfo.environment["WEFT_FUZZ_SEED"].flatMap(UInt64.init) ?? UInt64.random(in: 0...UInt64.max)
        print("relay message fuzzing: seed \(seed) for \(Self.seconds) s (WEFT_FUZZ_SEED=\(seed) repeats it)")
        let seeds = try RelayFuzzSeeds.all()
        var mutator = RelayFuzzMutator(random: SeededGenerator(seed: seed))
        // A long run keeps the input being tried on disk, so a crash leaves it behind.
        let keep = ProcessInfo.processInfo.environment["WEFT_FUZZ_SECONDS"] == nil ? nil
            : FileManager.default.temporaryDirectory.appendingPathComponent("weft-fuzz-current-input.txt")
        var harness = try RelayMessageHarness()
        let deadline = ContinuousClock.now + .seconds(Self.seconds)
        var runs = 0
        while ContinuousClock.now < deadline {
            let base = seeds.randomElement(using: &mutator.random)!, other = seeds.randomElement(using: &mutator.random)!
            let input = mutator.mutate(base, splicingFrom: other)
            if let keep { try? Data("seed \(seed), input \(runs)\n\(input)\n".utf8).write(to: keep) }
            runs += 1
            do {
                try await Self.run(input, on: harness)
            } catch {
                let minimal = await Self.minimize(input)
                Issue.record("seed \(seed), input \(runs): \(error)\ninput:\n\(input)\nmade smaller (on a fresh store):\n\(minimal.map(\.description) ?? "does not fail on a fresh store")")
                break
            }
            // A fresh store now and then, so documents stay small and loading stays quick.
            if runs % 200 == 0 {
                await harness.close()
                harness = try RelayMessageHarness()
            }
        }
        await harness.close()
        print("relay message fuzzing: seed \(seed), \(runs) inputs")
        #expect(runs > 0)
    }

    /// How long one input may take before the run reports it as stuck (a few milliseconds is usual).
    static let stuckAfter = Duration.seconds(60)

    /// Runs `input` on `harness`, failing with `RelayFuzzFailure` when it takes longer than
    /// `stuckAfter`: a message path that never answers is a wrong answer too, and a test that
    /// hangs says nothing. The stuck run is left behind; the test ends with its failure.
    static func run(_ input: RelayFuzzInput, on harness: RelayMessageHarness) async throws {
        let running = Task { try await harness.run(input) }
        let finished = await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            let first = FirstAnswer(continuation)
            Task { _ = try? await running.value; first.give(true) }
            Task { try? await Task.sleep(for: stuckAfter); first.give(false) }
        }
        guard finished else {
            throw RelayFuzzFailure("the input was neither taken nor refused within \(stuckAfter): the relay's message path is stuck (\(harness.stage.withLock { $0 }))")
        }
        try await running.value
    }

    /// Resumes a continuation with the first answer given, once.
    final class FirstAnswer: Sendable {
        private let continuation: Mutex<CheckedContinuation<Bool, Never>?>
        init(_ continuation: CheckedContinuation<Bool, Never>) { self.continuation = Mutex(continuation) }
        func give(_ answer: Bool) { continuation.withLock { $0.take() }?.resume(returning: answer) }
    }

    /// `input` with messages dropped and messages cut shorter while it still fails on a fresh
    /// store; nil when it does not fail there (it needed what earlier inputs left behind).
    static func minimize(_ input: RelayFuzzInput) async -> RelayFuzzInput? {
        func fails(_ candidate: RelayFuzzInput) async -> Bool {
            guard let harness = try? RelayMessageHarness() else { return false }
            let failed: Bool
            do {
                try await run(candidate, on: harness)
                failed = false
            } catch {
                failed = true
            }
            await harness.close()
            return failed
        }
        guard await fails(input) else { return nil }
        var current = input
        var index = 0
        while index < current.messages.count {
            var candidate = current
            candidate.messages.remove(at: index)
            if await fails(candidate) { current = candidate } else { index += 1 }
        }
        for index in current.messages.indices {
            var length = current.messages[index].bytes.count
            while length > 0 {
                var candidate = current
                candidate.messages[index].bytes.removeLast(current.messages[index].bytes.count - (length - 1))
                guard await fails(candidate) else { break }
                current = candidate
                length -= 1
            }
        }
        return current
    }
}
