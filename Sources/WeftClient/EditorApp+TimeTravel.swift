import WeftEditor

extension EditorApp {
    /// Reads a paged past version's editing sessions beside the loop (`weft view --at`), and hands
    /// them to the editor, or why they cannot be read.
    func readPastSessions() {
        guard let sessions = launch?.pastSessions, let sink else { return }
        Task {
            do {
                sink.yield(.travel(try await sessions(), problem: nil))
            } catch {
                sink.yield(.travel(nil, problem: "\(error)"))
            }
        }
    }
}
