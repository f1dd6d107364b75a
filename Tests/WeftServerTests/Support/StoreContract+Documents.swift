import Testing
import WeftCRDT
import WeftServer
import WeftWire

extension StoreContract {
    /// Listing, deleting and renaming, the same on every store: a rename moves everything the
    /// document has and keeps its epoch; a delete drops everything; either way the old name's
    /// epoch is retired there, so a document made again under it is a new one whose hellos from
    /// old copies are told to set them aside.
    func documentsAreListedDeletedAndRenamed() async throws {
        let store = try await reopen()
        let plan = try DocumentName("team/plan"), other = try DocumentName("other"), missing = try DocumentName("missing")
        let first = try await store.open(notes)
        _ = try await store.commit([batch(1), batch(2)], to: notes)
        _ = try await store.replicaKey(ReplicaID(1), in: notes, bindingTo: [7, 7])
        _ = try await store.open(other)

        let listed = try await reopen().documents()
        #expect(listed.map(\.name) == [notes, other])
        #expect(listed.map(\.head) == [2, 0])
        #expect(listed[0].epoch == first.epoch && listed[0].changedAt != nil && listed[1].changedAt == nil)
        #expect(try await store.documents(named: other).map(\.name) == [other])
        #expect(try await store.documents(named: missing).isEmpty)

        #expect(try await store.rename(notes, to: plan) == .renamed(epoch: first.epoch))
        #expect(try await store.rename(other, to: plan) == .targetExists)
        #expect(try await store.rename(missing, to: try DocumentName("elsewhere")) == .missing)
        let moved = try await reopen().open(plan)
        #expect(moved.epoch == first.epoch && moved.head == 2)
        #expect(moved.tail == [entry(1, batch(1)), entry(2, batch(2))])
        #expect(moved.lastClientSeqs == [ReplicaID(1): 2])
        #expect(try await store.replicaKey(ReplicaID(1), in: plan, bindingTo: nil) == [7, 7])
        #expect(try await store.history(of: plan, after: 0, limit: 10).entries.map(\.serverSeq) == [1, 2])
        #expect(try await store.documents().map(\.name) == [other, plan])

        // The old name is free: opened again, it is a new document, and knows the old epoch.
        let again = try await reopen().open(notes)
        #expect(again.epoch != first.epoch && again.head == 0 && again.tail.isEmpty)
        #expect(again.retiredEpochs.contains(first.epoch))
        #expect(try await store.history(of: notes, after: 0, limit: 10).entries.isEmpty)

        #expect(try await !store.isRetired(first.epoch, of: plan), "plan holds that epoch now")
        #expect(try await store.delete(plan) == first.epoch)
        #expect(try await store.delete(missing) == nil)
        #expect(try await reopen().isRetired(first.epoch, of: plan))
        #expect(try await store.isRetired(first.epoch, of: notes), "renamed away")
        #expect(try await !store.isRetired(again.epoch, of: notes))
        #expect(try await !store.isRetired(first.epoch, of: missing))
        #expect(try await reopen().documents().map(\.name) == [notes, other])
        let remade = try await store.open(plan)
        #expect(remade.epoch != first.epoch && remade.head == 0 && remade.tail.isEmpty && remade.lastClientSeqs.isEmpty)
        #expect(remade.retiredEpochs == [first.epoch])
        #expect(try await store.replicaKey(ReplicaID(1), in: plan, bindingTo: nil) == nil)
        #expect(try await store.history(of: plan, after: 0, limit: 10).entries.isEmpty)
    }
}
