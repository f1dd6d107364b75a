// swift-tools-version:6.0
import PackageDescription

// Dependencies are added only when an issue needs them: every one costs CI a cold build on 2 cores.
let package = Package(
    name: "Weft",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "weft", targets: ["weft"]),
        .executable(name: "weft-bench", targets: ["weft-bench"]),
        .executable(name: "weft-sim", targets: ["weft-sim"]),
        .library(name: "WeftCRDT", targets: ["WeftCRDT"]),
        .library(name: "WeftWire", targets: ["WeftWire"]),
        .library(name: "WeftSync", targets: ["WeftSync"]),
        .library(name: "WeftEditor", targets: ["WeftEditor"]),
        .library(name: "WeftClient", targets: ["WeftClient"]),
    ],
    dependencies: [
        // The `weft` command line: subcommands, help and validation (about 30 s of cold build).
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // HMAC-SHA256 for the relay's access tokens (constant-time checks; about 1.5 min of cold build).
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        // The relay's embedded store: SQLite in WAL mode, migrations, async access (about 1 min of
        // cold build; uses Debian's libsqlite3-dev).
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        // The relay's HTTP server and WebSocket upgrade (the heaviest cold build: swift-nio and
        // friends, about 4 minutes); WSClient is the WebSocket client the tests and sync agent use.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.0.0"),
        .package(url: "https://github.com/hummingbird-project/swift-websocket", from: "1.0.0"),
        // Structured logs (already built for Hummingbird).
        .package(url: "https://github.com/apple/swift-log", from: "1.5.0"),
        // The relay's /metrics in Prometheus text format (small: swift-metrics and swift-atomics are
        // already built for Hummingbird).
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
        // ByteBuffer for the benchmark's WebSocket clients (already built for Hummingbird).
        .package(url: "https://github.com/apple/swift-nio", from: "2.70.0"),
        // TLS for wss (the relay's certificates; already built for the WebSocket client).
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.27.0"),
        // TOML for the user's config file, keymaps and themes (toml++ underneath, so parse errors
        // carry line and column; about 1 min of cold build for its one C++ file).
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        // The relay's scale-out store: several relays share one PostgreSQL database (op log,
        // transactions that assign server sequences, LISTEN/NOTIFY between relays). About 2 min of
        // cold build on 2 cores: swift-nio, swift-nio-ssl, swift-crypto and swift-log are already
        // built for Hummingbird, so most of the cost is postgres-nio itself and service-lifecycle.
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.21.0"),
    ],
    targets: [
        // The text CRDT: pure Swift, no Foundation, no I/O, no clocks.
        .target(
            name: "WeftCRDT",
            exclude: ["FORMAT.md"]
        ),
        // The wire protocol's messages and their binary codec (PROTOCOL.md): pure, no NIO, no sockets.
        .target(
            name: "WeftWire",
            dependencies: ["WeftCRDT"]
        ),
        // The relay: access tokens, the durable store, rooms, the WebSocket server, metrics.
        .target(
            name: "WeftServer",
            dependencies: [
                "WeftCRDT",
                "WeftWire",
                "CZlib",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                // wss: NIOSSL is already built for the WebSocket client, so this costs little.
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                // The relay's own channel handlers (deadlines, RFC 6455 checks, accept pauses):
                // already built for Hummingbird.
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        // The client half of sync: the pure sync state machine, the offline queue and replica
        // cache files, and the session that connects them to a relay over WebSocket.
        .target(
            name: "WeftSync",
            dependencies: [
                "WeftCRDT",
                "WeftWire",
                .product(name: "WSClient", package: "swift-websocket"),
                .product(name: "NIOCore", package: "swift-nio"),
                // Its connection errors, to say in plain words why a relay cannot be reached.
                .product(name: "NIOPosix", package: "swift-nio"),
                // Reading a document's history from the relay (an HTTP GET, over TLS for wss).
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["FILES.md"]
        ),
        // ncursesw from Debian's libncursesw5-dev, with shims for what Swift cannot import (macros,
        // globals that are errors in Swift 6 mode).
        .systemLibrary(
            name: "CNCursesW",
            providers: [.apt(["libncursesw5-dev"])]
        ),
        // zlib from Debian's zlib1g-dev: the relay deflates the history it keeps (a system library,
        // so nothing to build).
        .systemLibrary(
            name: "CZlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // The editor model: buffer, cursor anchored to CRDT ids, undo of own edits, search,
        // keymaps and themes, and the `Frame` it draws into. Knows nothing of terminals.
        .target(
            name: "WeftEditor",
            dependencies: [
                "WeftCRDT",
                "WeftWire",
                .product(name: "TOMLKit", package: "TOMLKit"),
            ],
            resources: [.copy("Keymaps"), .copy("Themes")]
        ),
        // The terminal given back after a crash (fatal-signal handlers must be async-signal-safe C),
        // and stopping the process for Ctrl-Z.
        .target(name: "CTerminalRescue"),
        // The terminal: decoding key bytes, drawing frames with ncursesw, restoring the terminal.
        .target(
            name: "WeftTerminal",
            dependencies: ["CNCursesW", "CTerminalRescue", "WeftEditor"]
        ),
        // Seeded randomness, trace loading, multi-replica simulation: shared by tests and benchmarks.
        .target(
            name: "WeftTestSupport",
            dependencies: ["WeftCRDT", "WeftWire", "WeftSync"]
        ),
        // A Swift Testing trait running a suite's tests off the cooperative pool; for test targets only.
        .target(name: "WeftTestTraits"),
        // The client as a library: the editor and pager loop, the background relay, sessions opened
        // the way every command opens them. The `weft` executable only parses arguments and calls it.
        .target(
            name: "WeftClient",
            dependencies: [
                "WeftCRDT",
                "WeftSync",
                "WeftWire",
                "WeftEditor",
                "WeftTerminal",
            ]
        ),
        .executableTarget(
            name: "weft",
            dependencies: [
                "WeftClient",
                "WeftCRDT",
                "WeftServer",
                "WeftSync",
                "WeftWire",
                "WeftEditor",
                "WeftTerminal",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ]
        ),
        // glibc's mallinfo2, which the Glibc module does not export: heap figures for weft-bench.
        .target(name: "CHeapStats"),
        .executableTarget(
            name: "weft-bench",
            dependencies: [
                "CHeapStats",
                "WeftCRDT",
                "WeftTestSupport",
                "WeftWire",
                "WeftSync",
                "WeftEditor",
                // The relay's stores, to measure what keeping history costs (already built for the relay).
                "WeftServer",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "WSClient", package: "swift-websocket"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // The deterministic simulation of the whole system (clients, relays, one store) on a
        // virtual clock, every choice drawn from one seed: a library, so that `weft-sim` and the
        // test suite run the same code, and neither depends on an executable.
        .target(
            name: "WeftSimulation",
            dependencies: ["WeftCRDT", "WeftWire", "WeftSync", "WeftServer", "WeftTestSupport"]
        ),
        // `weft-sim`: runs the simulation for a seed, a number of seeds, or a length of time, and
        // replays a failing seed exactly.
        .executableTarget(
            name: "weft-sim",
            dependencies: [
                "WeftSimulation",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "WeftSimulationTests",
            dependencies: ["WeftSimulation", "WeftTestTraits"]
        ),
        .testTarget(
            name: "WeftCRDTTests",
            dependencies: ["WeftCRDT", "WeftTestSupport", "WeftTestTraits"]
        ),
        .testTarget(
            name: "WeftServerTests",
            dependencies: [
                "WeftServer",
                // To damage a relay's store on purpose (already built for the relay).
                .product(name: "GRDB", package: "GRDB.swift"),
                "WeftWire",
                "WeftTestSupport",
                "WeftTestTraits",
                .product(name: "WSClient", package: "swift-websocket"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .testTarget(
            name: "WeftSyncTests",
            dependencies: ["WeftSync", "WeftCRDT", "WeftWire", "WeftTestSupport", "WeftTestTraits"]
        ),
        // The client library in process, without the executable.
        .testTarget(
            name: "WeftClientTests",
            dependencies: ["WeftClient", "WeftEditor", "WeftSync", "WeftCRDT", "WeftTestSupport"]
        ),
        .testTarget(
            name: "WeftEditorTests",
            dependencies: ["WeftEditor", "WeftCRDT", "WeftWire", "WeftTestSupport", "WeftTestTraits"]
        ),
        .testTarget(
            name: "WeftTerminalTests",
            dependencies: ["WeftTerminal", "WeftEditor", "WeftSync", "WeftTestSupport", "WeftTestTraits"]
        ),
        // Everything that runs this package's executables (`weft serve`, `weft` commands, `weft
        // edit` in tmux), and the relay's wire conformance and fuzzing: the suites that
        // `swift test --skip WeftEndToEndTests` leaves out for a fast inner loop. No test target
        // depends on the `weft` executable: these find it beside the test bundle (`BuiltProduct`),
        // where `swift build --build-tests` and `swift test` put it.
        .testTarget(
            name: "WeftEndToEndTests",
            dependencies: [
                "WeftServer",
                "WeftCRDT",
                "WeftWire",
                "WeftSync",
                "WeftEditor",
                "WeftTerminal",
                "WeftTestSupport",
                "WeftTestTraits",
                // To damage a relay's store on purpose (already built for the relay).
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "WSClient", package: "swift-websocket"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .testTarget(
            name: "WeftWireTests",
            dependencies: ["WeftWire", "WeftCRDT", "WeftTestSupport"]
        ),
    ]
)
