extension Editor {
    /// `:n`, `:p`, `:x` as in less: another of the texts named on the command line, or a message
    /// when there is none that way.
    mutating func switchFile(_ command: EditorCommand) {
        guard let list = fileList, list.count > 1 else {
            show("only one file was named", isError: true)
            return
        }
        let target = switch command {
        case .nextFile: list.index + 1
        case .previousFile: list.index - 1
        default: 0
        }
        guard (0..<list.count).contains(target) else {
            show(target < 0 ? "no previous file" : "no next file", isError: true)
            return
        }
        switchFileIndex = target
        wantsQuit = true
    }

    /// The text `:n`, `:p` or `:x` asked for cannot be paged, and `index`, further that way,
    /// can: go there instead (as less skips a file it cannot open).
    public mutating func redirectFileSwitch(to index: Int) {
        guard switchFileIndex != nil else { return }
        switchFileIndex = index
    }
}
