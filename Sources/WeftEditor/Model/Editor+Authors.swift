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
            settleView()
            show("authors hidden")
            return
        }
        guard hasDocumentHistory else {
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
        authorsShown = authorship
        settleView()
        show("authors shown: who last changed each line, and how long ago")
    }

    /// The history could not be read: said, and the gutter stays hidden.
    public mutating func authorsUnavailable(_ problem: String) {
        guard authorsWanted else { return }
        authorsWanted = false
        show("cannot show authors: \(problem)", isError: true)
    }

    /// The gutter's text and colour for the line of `range` (positions), from the newest of its
    /// characters' authors.
    func authorLabel(ofLineAt range: Range<Int>) -> (text: String, colour: UInt32)? {
        guard let authorship = authorsShown else { return nil }
        // A line feed belongs to its line: an empty line is named after who broke it off.
        let ids = replica.idSpans(in: range.lowerBound..<min(replica.count, range.upperBound + 1))
        guard let author = authorship.newest(in: ids, typedHere: { replica in
            replica == self.replica.replicaID ? (settings.userName.isEmpty ? "you" : settings.userName) : peers[replica]?.userName
        }) else { return nil }
        let name = String(author.name.prefix(10))
        let age = author.order == .max ? "now" : authorship.age(of: author.time)
        return (name.padding(toLength: 10, withPad: " ", startingAt: 0) + " " + age, Authorship.colour(of: author.name))
    }
}
