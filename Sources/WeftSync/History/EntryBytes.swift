/// Bytes printed for each entry of a history (and for "no entry"), made the first time an entry
/// is printed: a document of many lines names the same few thousand entries over and over.
struct EntryBytes {
    private var storage: [UInt8] = []
    /// Per entry index, then one slot for no entry: where its bytes are in `storage`.
    private var made: [Range<Int>?]

    init(entries: Int) {
        made = Array(repeating: nil, count: entries + 1)
    }

    /// Appends the bytes for the entry at `index` (nil: no entry) to `output`, making them with
    /// `make` the first time.
    mutating func append(_ index: Int?, to output: inout PrintBuffer, make: () -> String) {
        let slot = index ?? made.count - 1
        if let range = made[slot] { return output.append(storage[range]) }
        let start = storage.count
        storage.append(contentsOf: make().utf8)
        made[slot] = start..<storage.count
        output.append(storage[start...])
    }
}
