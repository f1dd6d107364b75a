import PostgresNIO

/// A PostgreSQL failure that waiting will not fix: credentials refused, no such database, an
/// authentication method Weft cannot speak. Anything else (refused connection, timeout, a
/// restarting server) is worth retrying.
struct PostgresStartProblem: CustomStringConvertible {
    let description: String

    init?(_ error: any Error) {
        guard let error = error as? PSQLError else { return nil }
        switch error.code {
        case .unsupportedAuthMechanism, .authMechanismRequiresPassword, .saslError:
            description = PostgresStore.describe(error)
        case .server:
            // 28xxx: invalid authorization; 3D000: no such database; 42501: insufficient privilege.
            guard let state = error.serverInfo?[.sqlState], state.hasPrefix("28") || state == "3D000" || state == "42501" else { return nil }
            description = PostgresStore.describe(error)
        default:
            return nil
        }
    }
}
