extension TextEdit {
    /// This edit, made to a text `base`, moved onto the text `other` made of the same `base`
    /// (both as one replacement, as ``replacing(_:with:)`` finds them): positions after `other`'s
    /// change shift by what it added or removed. Nil when the two touch the same characters
    /// (one replaces or deletes text the other changed, or inserts inside it): no order of the
    /// two keeps both. Two insertions at one place keep both, this one first.
    public func rebased(over other: TextEdit) -> TextEdit? {
        let end = position + deleting, otherEnd = other.position + other.deleting
        if end <= other.position { return self }
        if position >= otherEnd {
            let shift = other.inserting.unicodeScalars.count - other.deleting
            return TextEdit(position: position + shift, deleting: deleting, inserting: inserting)
        }
        return nil
    }
}
