import Foundation
import WeftCRDT
import WeftEditor
import WeftSync
import WeftTerminal

extension EditorApp {
    /// Text enough for any first screen (a tall terminal of long lines), and little enough to
    /// lay out in a moment.
    static let previewBytes = 64 << 10

    /// Draws the first screen of a cached document from the cache's text alone, before the
    /// document is built (on 10 MB, the CRDT takes ten times longer than reading that text), when
    /// that screen is the document's start: not for a pager asked to start elsewhere or follow the
    /// end, nor for an editor that reopens where it was left. The status line says "opening" until
    /// the document is ready; keys pressed meanwhile wait in the terminal and reach it then, in
    /// order. What the cache does not hold yet (edits queued after it was saved) shows a moment
    /// later with the rest.
    static func drawPreview(of address: DocumentAddress, launch: ScreenLaunch, home: ClientHome, terminal: Terminal,
                            keymap: Keymap, keymaps: DataFileLibrary, settings: EditorSettings) {
        guard launch.paging.start == nil, !launch.follow, launch.pastSessions == nil else { return }
        let directory = home.directory(for: address)
        if !launch.pager, let place = EditorPlace.load(from: directory.appendingPathComponent("place")), !place.opensAtTheTop { return }
        guard let preview = ReplicaCache.textPreview(at: directory.appendingPathComponent(DocumentFiles.cacheName), limit: previewBytes),
              !preview.text.isEmpty
        else { return }
        var replica = Replica(replicaID: ReplicaID(1))
        guard (try? replica.insert(preview.text, at: 0)) != nil else { return }
        var editor = Editor(replica: replica, keymap: keymap, settings: settings,
                            status: StatusInfo(document: address.name.rawValue, connection: "opening", readOnly: launch.pager),
                            width: terminal.textWidths)
        editor.resize(width: terminal.width, height: terminal.height)
        editor.alternate = launch.alternate
        editor.previewOf = preview.totalScalars
        if launch.pager {
            editor.enterPager(keymap: keymap)
        } else if preview.totalScalars > comfortableScalars, let less = try? Keymap.load("less", from: keymaps) {
            // Too large to edit: opened in the pager, as it will be once built.
            editor.enterPager(keymap: less, banner: tooLargeBanner(address.name.rawValue, count: preview.totalScalars))
        }
        terminal.draw(editor.frame())
    }
}
