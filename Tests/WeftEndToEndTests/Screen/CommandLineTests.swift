import Foundation
import Testing
import WeftTestSupport
import WeftTestTraits

/// The `weft` command line as a user meets it: help that is right, mistakes answered with what
/// was meant, completion scripts and the manual's source.
@Suite("weft's command line", .ownThread)
struct CommandLineTests {
    private func weft(_ arguments: [String]) throws -> WeftRun.Result {
        try WeftRun(home: TemporaryDirectory.path("cli"))(arguments)
    }

    @Test("--help describes the product, and a default shows as typed")
    func helpTexts() throws {
        let help = try weft(["--help"])
        #expect(help.status == 0 && help.stdout.contains("Several people edit one shared document"))
        #expect(!help.stdout.lowercased().contains("issue"), "\(help.stdout)")
        let token = try weft(["token", "create", "--help"])
        #expect(token.stdout.contains("(default: 24h)"), "\(token.stdout)")
    }

    @Test("a misspelt command says what was meant; help of a command that does not exist fails")
    func mistakes() throws {
        let typo = try weft(["edti", "notes"])
        #expect(typo.status == 64 && typo.stderr.contains("'edti' is not a command of weft. Did you mean 'edit'?"), "\(typo.stderr)")
        let nested = try weft(["token", "crate"])
        #expect(nested.status == 64 && nested.stderr.contains("Did you mean 'create'?"), "\(nested.stderr)")
        let missing = try weft(["help", "nosuch"])
        #expect(missing.status == 64 && missing.stderr.contains("'nosuch' is not a command of weft"), "\(missing.stderr)")
        #expect(missing.stdout.isEmpty)
        let known = try weft(["help", "edit"])
        #expect(known.status == 0 && known.stdout.contains("weft edit"))
        // A name that reads as a group of short flags with -h in it does not print help and succeed.
        let dashed = try weft(["put", "-dash"])
        #expect(dashed.status == 64 && dashed.stdout.isEmpty && dashed.stderr.contains("goes after --: weft put -- -dash"), "\(dashed.stderr)")
        // A new file's name that is no document name: vim would make the file; the way to is said.
        let odd = try weft(["edit", "odd name"])
        #expect(odd.status != 0 && odd.stderr.contains("is not a document name") && odd.stderr.contains("to make a new file of that name, write ./odd name"), "\(odd.stderr)")
    }

    @Test("weft completion bash, zsh and fish print scripts with the commands and their options; another shell is refused")
    func completion() throws {
        let bash = try weft(["completion", "bash"])
        #expect(bash.status == 0 && bash.stdout.contains("complete -") && bash.stdout.contains("edit") && bash.stdout.contains("--keymap"))
        let zsh = try weft(["completion", "zsh"])
        #expect(zsh.status == 0 && zsh.stdout.hasPrefix("#compdef weft"))
        let fish = try weft(["completion", "fish"])
        #expect(fish.status == 0 && fish.stdout.contains("complete -c 'weft'"))
        let tcsh = try weft(["completion", "tcsh"])
        #expect(tcsh.status == 64 && tcsh.stderr.contains("bash, zsh or fish"))
    }

    @Test("the manual's source (what swift package generate-manual reads) describes every command")
    func manualSource() throws {
        let dump = try weft(["--experimental-dump-help"])
        #expect(dump.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(dump.stdout.utf8)) as? [String: Any])
        let command = try #require(json["command"] as? [String: Any])
        let names = (command["subcommands"] as? [[String: Any]] ?? []).compactMap { $0["commandName"] as? String }
        #expect(["edit", "view", "serve", "cat", "completion"].allSatisfy(names.contains), "\(names)")
    }
}
