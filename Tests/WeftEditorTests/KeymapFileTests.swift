import Foundation
import Testing
import WeftTestSupport
@testable import WeftEditor

@Suite("Keymap, theme and config files")
struct KeymapFileTests {
    let keymaps = DataFileLibrary.keymaps(config: nil)
    let themes = DataFileLibrary.themes(config: nil)

    @Test("every shipped keymap and theme loads")
    func everyShippedFileLoads() throws {
        #expect(Set(keymaps.names()).isSuperset(of: ["default", "emacs", "vim", "less"]))
        #expect(Set(themes.names()).isSuperset(of: ["dark", "light", "high-contrast"]))
        for name in keymaps.names() {
            let keymap = try Keymap.load(name, from: keymaps)
            #expect(!keymap.modes.isEmpty, "\(name)")
            // A keymap either edits (some mode types) or pages (the pager's own commands).
            let pages = keymap.modes.contains { keymap.keys(for: .scrollDown, in: $0) != nil }
            #expect(keymap.modes.contains { keymap.types(in: $0) } != pages, "\(name) neither types nor pages, or does both")
            #expect(keymap.modes.contains { keymap.keys(for: .quit, in: $0) != nil || keymap.keys(for: .commandLine, in: $0) != nil }, "\(name) cannot quit")
        }
        for name in themes.names() {
            let theme = try Theme.load(name, from: themes)
            #expect(theme.styles[.text] != nil && theme.styles[.status] != nil, "\(name)")
            #expect(!theme.peerColours.isEmpty)
        }
    }

    @Test("the core keys are bound")
    func coreBindings() throws {
        let standard = try Keymap.load("default", from: keymaps)
        for (name, command) in [("Ctrl-Z", EditorCommand.undo), ("Ctrl-Y", .redo), ("Ctrl-F", .find), ("Ctrl-G", .gotoLine),
                                ("Ctrl-A", .lineStart), ("Ctrl-E", .lineEnd), ("Ctrl-K", .cutLine), ("Ctrl-Q", .quit), ("PageDown", .pageDown)] {
            #expect(standard.match([Key(name: name)!], in: "edit") == .command(command), "\(name)")
        }
        let vim = try Keymap.load("vim", from: keymaps)
        #expect(vim.match([Key(name: "d")!], in: "normal") == .command(.operatorDelete))
        #expect(vim.match([Key(name: "g")!, Key(name: "U")!], in: "normal") == .command(.operatorUppercase))
        #expect(vim.match([Key(name: "i")!], in: "operator-pending") == .command(.innerObject))
        #expect(vim.match([Key(name: "g")!, Key(name: "g")!], in: "normal") == .command(.documentStart))
        let emacs = try Keymap.load("emacs", from: keymaps)
        #expect(emacs.match([Key(name: "Ctrl-X")!, Key(name: "Ctrl-C")!], in: "edit") == .command(.quit))
        #expect(emacs.match([Key(name: "Ctrl-Z")!], in: "edit") == .command(.suspend), "emacs's Ctrl-Z suspends, not default's undo")
        #expect(emacs.match([Key(name: "Home")!], in: "edit") == .command(.lineStart), "emacs inherits default")
    }

    /// A fresh config directory and its `keymaps` or `themes` folder, for a user's own files.
    static func configDirectory(with folder: String) throws -> (directory: URL, user: URL) {
        let directory = TemporaryDirectory.path(folder)
        let user = directory.appendingPathComponent(folder)
        try FileManager.default.createDirectory(at: user, withIntermediateDirectories: true)
        return (directory, user)
    }

    @Test("a bad key name, command or mode names the file and line")
    func errorsNameFileAndLine() throws {
        let (directory, user) = try Self.configDirectory(with: "keymaps")
        defer { try? FileManager.default.removeItem(at: directory) }
        let library = DataFileLibrary.keymaps(config: directory)
        let cases: [(String, String)] = [
            ("inherits = \"default\"\n\n[edit]\nCtrl-Q = \"quit\"\nHyper-Q = \"quit\"\n", ":5: \"Hyper-Q\" is not a key name"),
            ("inherits = \"default\"\n[edit]\nCtrl-Q = \"explode\"\n", ":3: \"explode\" is not a command"),
            ("inherits = \"default\"\nspeed = 3\n", ":2: unknown setting \"speed\""),
            ("inherits = \"nothing\"\n", ":1: there is no keymap named \"nothing\""),
            ("modes = [\"edit\"]\n[edit]\ng = \"document-start\"\n\"g g\" = \"document-end\"\n", "\"g\" is bound and also starts \"g g\""),
            ("modes = [\"edit\"\n", ":1:"),
            ("inherits = \"vim\"\n[normal]\nCtrl-M = \"quit\"\n", ":3: \"Ctrl-M\" reaches Weft as Enter (terminals send one byte for both): bind Enter"),
            ("inherits = \"default\"\n[edit]\n\"Ctrl-X Ctrl-I\" = \"quit\"\n", ":3: \"Ctrl-I\" reaches Weft as Tab"),
            ("inherits = \"default\"\n[edit]\nCtrl-1 = \"quit\"\n", ":3: \"Ctrl-1\" is not a key terminals send"),
            ("inherits = \"vim\"\n\n[normall]\nx = \"quit\"\n", ":3: [normall] is not one of the modes"),
            ("inherits = \"mine\"\n", ":1: inherits \"mine\", its own name: a file inherits its own name only to change a shipped keymap, and no shipped keymap is named \"mine\""),
        ]
        for (text, expected) in cases {
            let url = user.appendingPathComponent("mine.toml")
            try Data(text.utf8).write(to: url)
            do {
                _ = try Keymap.load("mine", from: library)
                Issue.record("\(text) loaded")
            } catch {
                #expect(error.description.contains("mine.toml"), "\(error)")
                #expect(error.description.contains(expected), "\(error) should say \(expected)")
            }
        }
    }

    @Test("a chain of inheritance that comes back to its start is refused as a circle; a user's own vim.toml inherited by another file is used, with the shipped vim under it")
    func inheritanceChains() throws {
        let (directory, user) = try Self.configDirectory(with: "keymaps")
        defer { try? FileManager.default.removeItem(at: directory) }
        let library = DataFileLibrary.keymaps(config: directory)
        try Data("inherits = \"my2\"\n".utf8).write(to: user.appendingPathComponent("my.toml"))
        try Data("inherits = \"my\"\n".utf8).write(to: user.appendingPathComponent("my2.toml"))
        do {
            _ = try Keymap.load("my", from: library)
            Issue.record("a circle loaded")
        } catch {
            #expect(error.description.contains("my2.toml:1: inherits \"my\", which inherits this file again (my.toml → my2.toml): the chain goes round in a circle"), "\(error)")
        }
        try Data("inherits = \"vim\"\n[normal]\nQ = \"quit\"\n".utf8).write(to: user.appendingPathComponent("vim.toml"))
        try Data("inherits = \"vim\"\n[normal]\nK = \"quit\"\n".utf8).write(to: user.appendingPathComponent("mine.toml"))
        let mine = try Keymap.load("mine", from: library)
        #expect(mine.name == "mine")
        #expect(mine.match([Key(name: "K")!], in: "normal") == .command(.quit))
        #expect(mine.match([Key(name: "Q")!], in: "normal") == .command(.quit), "the user's vim.toml")
        #expect(mine.match([Key(name: "u")!], in: "normal") == .command(.undo), "the shipped vim under it")
    }

    @Test("a user's file overrides the shipped one of its name and may inherit it")
    func userOverride() throws {
        let (directory, user) = try Self.configDirectory(with: "keymaps")
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data("inherits = \"default\"\n[edit]\nCtrl-O = \"quit\"\nCtrl-Q = \"none\"\n".utf8).write(to: user.appendingPathComponent("default.toml"))
        let keymap = try Keymap.load("default", from: .keymaps(config: directory))
        #expect(keymap.match([Key(name: "Ctrl-O")!], in: "edit") == .command(.quit))
        #expect(keymap.match([Key(name: "Ctrl-Q")!], in: "edit") == .unbound)
        #expect(keymap.match([Key(name: "Ctrl-Z")!], in: "edit") == .command(.undo))
    }

    @Test("theme errors name the line; colours fall back to 256 and 16")
    func themesAndColours() throws {
        let (directory, user) = try Self.configDirectory(with: "themes")
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data("inherits = \"dark\"\n[styles]\nstatus = { fg = \"#zzzzzz\" }\n".utf8).write(to: user.appendingPathComponent("bad.toml"))
        #expect(throws: DataFileError.self) { try Theme.load("bad", from: .themes(config: directory)) }
        do { _ = try Theme.load("bad", from: .themes(config: directory)) } catch { #expect(error.description.contains("bad.toml:3")) }
        try Data("inherits = \"dark\"\n[styles]\nstatus = { fg = \"#ffffff\", bg = \"#005f87\" }\n".utf8).write(to: user.appendingPathComponent("mine.toml"))
        let mine = try Theme.load("mine", from: .themes(config: directory))
        #expect(mine.style(.status).background == .rgb(0x005F87))
        #expect(mine.style(.selection) == (try Theme.load("dark", from: themes)).style(.selection), "inherited")
        #expect(Colour.nearest256(to: 0x005F87) == 24)
        #expect(Colour.nearest256(to: 0x808080) == 244)
        #expect(Colour.nearest16(to: 0xFF0000) == 9)
    }

    @Test("the config file: known keys load, an unknown one names its line")
    func configFile() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("weft-config-\(UUID()).toml")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data("server = \"ws://relay.example:7000\"\nname = \"ana\"\nkeymap = \"vim\"\nwrap = false\ntab-width = 4\ncolour = \"#e06c75\"\nconnect-timeout = 40\nmouse = false\nclipboard = false\n".utf8).write(to: url)
        let config = try UserConfig.load(from: url)
        #expect(config.server == "ws://relay.example:7000" && config.name == "ana" && config.keymap == "vim")
        #expect(config.wrap == false && config.tabWidth == 4 && config.colour == 0xE06C75 && config.connectTimeout == 40)
        #expect(config.mouse == false && config.clipboard == false)
        try Data("name = \"ana\"\n\nsever = \"ws://x:1\"\n".utf8).write(to: url)
        do {
            _ = try UserConfig.load(from: url)
            Issue.record("a misspelt key loaded")
        } catch {
            #expect(error.description.hasSuffix(":3: unknown setting \"sever\" (settings: server, name, colour, keymap, theme, wrap, tab-width, connect-timeout, mouse, clipboard)"))
        }
    }
}

@Suite("Keymap documentation")
struct KeymapDocumentationTests {
    @Test("Keymaps/README.md lists every command and Themes/README.md every style")
    func everythingDocumented() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let keymaps = try String(contentsOf: root.appendingPathComponent("Keymaps/README.md"), encoding: .utf8)
        for command in EditorCommand.allCases {
            #expect(keymaps.contains("`\(command.rawValue)`"), "\(command.rawValue) is not documented")
        }
        let themes = try String(contentsOf: root.appendingPathComponent("Themes/README.md"), encoding: .utf8)
        for role in StyleRole.allCases {
            #expect(themes.contains("`\(role.rawValue)`"), "\(role.rawValue) is not documented")
        }
    }
}
