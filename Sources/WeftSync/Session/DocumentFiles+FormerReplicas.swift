import Foundation
import WeftCRDT
import WeftWire

extension DocumentFiles {
    /// The replicas this copy wrote as before `current` whose characters `replica` holds, with
    /// their keys (kept beside the queue since each was made): a copy giving itself back names
    /// them, so that the relay takes from it what it lacks of theirs. At most the wire's limit,
    /// those with the most characters first.
    func formerReplicas(before current: ReplicaID, heldIn replica: Replica) -> [FormerReplica] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        let keys = names.compactMap { name -> ReplicaKey? in
            guard name.hasPrefix("replica-"), name.hasSuffix(".key") else { return nil }
            guard let raw = UInt64(name.dropFirst("replica-".count).dropLast(".key".count), radix: 16) else { return nil }
            let id = ReplicaID(raw)
            guard id != current, replica.knownCount(of: id) > 0 else { return nil }
            return ReplicaKey.load(at: keyURL(for: id), for: id)
        }
        return keys.sorted { (replica.knownCount(of: $0.replica), $0.replica) > (replica.knownCount(of: $1.replica), $1.replica) }
            .prefix(WireLimits.maxFormerReplicas)
            .map { FormerReplica(replica: $0.replica, key: $0.bytes) }
    }
}
