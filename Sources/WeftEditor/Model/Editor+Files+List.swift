extension Editor {
    /// `:n`, `:p`, `:x` as in less: another of the texts named on the command line, or a message
    /// when there is none that way. With a count, as in less: `2:n` two texts on, `2:p` two
    /// back, `3:x` the third.
    mutating func switchFile(_ command: EditorCommand, count: Int? = nil) {
        guard let list = fileList, list.count > 1 else {
            show("only one file was named", isError: true)
            return
        }
        let steps = count ?? 1
        let target = switch command {
        case .nextFile: list.index + steps
        case .previousFile: list.index - steps
        default: steps - 1
        }
        guard (0..<list.count).contains(target) else {
            let name = command == .firstFile ? "no file \(steps) (\(list.count) were named)"
                : steps == 1 ? (target < 0 ? "no previous file" : "no next file")
                : target < 0 ? "no file \(steps) back (this is file \(list.index + 1))" : "no file \(steps) on (this is file \(list.index + 1) of \(list.count))"
            show(name, isError: true)
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
