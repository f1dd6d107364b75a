extension Replica {
    /// An anchor for the place before visible offset `position`, tied to the character after it
    /// (`.before`) or the one before it (`.after`, the default: a cursor keeps the text it
    /// follows, as in every editor).
    public func anchor(at position: Int, stickToPrevious: Bool = true) -> Anchor {
        let clamped = min(max(0, position), count)
        if stickToPrevious {
            return clamped == 0 ? .start : .after(id(at: clamped - 1))
        }
        return clamped == count ? .end : .before(id(at: clamped))
    }

    /// The current visible offset of `anchor`; nil when it names a character not integrated yet.
    public func position(of anchor: Anchor) -> Int? {
        switch anchor {
        case .start: return 0
        case .end: return count
        case .before(let id):
            guard let packed = pack(id), isKnown(packed) else { return nil }
            return visiblePosition(of: locate(packed, noneIs: .end))
        case .after(let id):
            guard let packed = pack(id), isKnown(packed) else { return nil }
            let location = locate(packed, noneIs: .end)
            return visiblePosition(of: location) + (run(at: location).isDeleted ? 0 : 1)
        }
    }
}
