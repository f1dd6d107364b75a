import WeftCRDT

/// The authors gutter: beside each line, who last changed it and how long ago (like `git
/// blame`), the name in a colour of its own. The history comes from the relay, read when the
/// gutter is first asked for; a file has none.
extension Editor {
    /// `toggle-authors`: shows the gutter (asking for the history first), or hides it.
    mutating func toggleAuthors() {
        if authorsShown != nil || authorsWanted {
            authorsShown = nil
            authorsWanted = false
            authorsAskedAbout = []
            settleView()
            show("authors hidden")
            return
        }
        guard hasDocumentHistory else {
            if pagesPastVersion { return show("a past version is paged without the authors gutter: `weft blame` says who wrote each line", isError: true) }
            show("a file has no authors to show: only a document on a relay keeps who wrote what", isError: true)
            return
        }
        authorsWanted = true
        terminalRequests.append(.readAuthors)
        show("reading the document's history for its authors…")
    }

    /// The history was read: the gutter shows it (unless it was hidden again meanwhile).
    public mutating func showAuthors(_ authorship: Authorship) {
        guard authorsWanted else { return }
        authorsWanted = false
        let refreshed = authorsShown != nil
        authorsShown = authorship
        settleView()
        if !refreshed { show("authors shown: who last changed each line, and how long ago") }
    }

    /// Text from a writer the gutter cannot name (not in the history it read, not here now): the
    /// history is read again, which names them once their batches are committed.
    mutating func noteWritersForAuthors(_ ops: [Op]) {
        guard let authorship = authorsShown, !authorsWanted else { return }
        for case .insert(let insertion) in ops {
            let writer = insertion.id.replica
            guard !authorship.knows(writer), peers[writer] == nil, !authorsAskedAbout.contains(writer) else { continue }
            authorsAskedAbout.insert(writer)
            authorsWanted = true
            terminalRequests.append(.readAuthors)
            return
        }
    }

    /// The history could not be read: said, and the gutter stays hidden.
    public mutating func authorsUnavailable(_ problem: String) {
        guard authorsWanted else { return }
        authorsWanted = false
        // Read again for a new writer: the gutter shows what it has, and the writer stays unnamed.
        guard authorsShown == nil else { return }
        show("cannot show authors: \(problem)", isError: true)
    }

    /// The gutter's name, age and colour for the line of `range` (positions), from the newest of
    /// its characters' authors.
    func authorLabel(ofLineAt range: Range<Int>) -> (name: String, age: String, colour: UInt32)? {
        guard let authorship = authorsShown, authorsGutterWidth > 0 else { return nil }
        // A line feed belongs to its line: an empty line is named after who broke it off.
        let ids = replica.idSpans(in: range.lowerBound..<min(replica.count, range.upperBound + 1))
        guard let author = authorship.newest(in: ids, typedHere: { replica in
            replica == self.replica.replicaID ? (settings.userName.isEmpty ? "you" : settings.userName) : peers[replica]?.userName
        }) else { return nil }
        return (author.name, author.order == .max ? "now" : authorship.age(of: author.time), authorship.colour(of: author.name))
    }
}
