import ArgumentParser

/// `weft completion SHELL`: the completion script for bash, zsh or fish, made by the argument
/// parser from the commands' own definitions.
struct Completion: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the shell completion script for bash, zsh or fish.",
        discussion: """
            Install it once, for example: weft completion bash > ~/.local/share/bash-completion/completions/weft; \
            weft completion zsh > ~/.zfunc/_weft (with ~/.zfunc in fpath, before compinit); \
            weft completion fish > ~/.config/fish/completions/weft.fish.
            """
    )

    @Argument(help: ArgumentHelp("bash, zsh or fish.", valueName: "SHELL"))
    var shell: String

    func validate() throws {
        guard CompletionShell(rawValue: shell) != nil else {
            throw ValidationError("'\(shell)' is not a shell weft writes completions for: bash, zsh or fish")
        }
    }

    func run() {
        print(Weft.completionScript(for: CompletionShell(rawValue: shell)!))
    }
}
