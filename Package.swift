// swift-tools-version: 6.1
// SPDX-License-Identifier: Apache-2.0
//
// Lull: a biometric relaxation daemon for receptive music therapy.
// Module layout: pure cores (no I/O, no clock, no logging) at the bottom, thin adapters around
// them, and one composition root, the `lull` executable. Arrows point inward only.
import PackageDescription

let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "Lull",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "lull", targets: ["lull"]),
        .library(name: "HRVCore", targets: ["HRVCore"]),
        // For the Benchmarks/ package (render speed and malloc counts), which depends on this one by path.
        .library(name: "SynthCore", targets: ["SynthCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        // The daemon: its control API (HTTP over a Unix socket) and graceful shutdown on SIGTERM.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        // The daemon's configuration: swift-configuration's YAML provider, and Yams (which it reads
        // YAML with) for the checks it does not make: unknown keys and positions of syntax errors.
        .package(url: "https://github.com/apple/swift-configuration", from: "1.4.0", traits: ["YAML"]),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        // The clinic's shared store: PostgreSQL through its NIO client (no ORM).
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.65.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.27.0"),
    ],
    targets: [
        // MARK: Pure cores
        .target(name: "HRVCore", swiftSettings: strictSettings),
        .target(name: "BLEProtocol", swiftSettings: strictSettings),
        .target(
            name: "SynthCore",
            swiftSettings: strictSettings + [
                // The render entry points carry @_noLocks under REALTIME_CHECKS. Only a whole-module
                // (release) build can prove it, so the check is on for release builds, which CI runs.
                .define("REALTIME_CHECKS", .when(configuration: .release))
            ]
        ),
        .target(name: "Guidance", dependencies: ["HRVCore"], swiftSettings: strictSettings),
        .target(name: "ListenerModel", dependencies: ["HRVCore"], swiftSettings: strictSettings),
        // The resonance-frequency assessment: its protocol, per-step metrics and the choice.
        .target(name: "Assessment", dependencies: ["HRVCore", "Guidance"], swiftSettings: strictSettings),
        .target(name: "Session", dependencies: ["HRVCore", "Guidance", "Assessment"], swiftSettings: strictSettings),

        // MARK: System libraries (GRDB's SQLite pattern)
        .systemLibrary(name: "CALSA", pkgConfig: "alsa", providers: [.apt(["libasound2-dev"])]),
        .systemLibrary(name: "CBlueZ", pkgConfig: "bluez", providers: [.apt(["libbluetooth-dev"])]),

        // MARK: Adapters
        .target(
            name: "BluetoothLinux",
            dependencies: ["BLEProtocol", "CBlueZ", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strictSettings
        ),
        .target(
            name: "PeripheralEmulator",
            dependencies: ["BLEProtocol", "BluetoothLinux"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "ALSAOutput",
            dependencies: ["SynthCore", "CALSA", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strictSettings
        ),

        // The session journal: SQLite through GRDB (migrations, the recorder, listing queries).
        .target(
            name: "SessionStore",
            dependencies: [.product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strictSettings
        ),

        // The daemon's configuration (Config/lull.yaml, LULL_* variables) and its systemd side
        // (sd_notify, journald-friendly logs).
        .target(
            name: "LullConfig",
            dependencies: [
                "Guidance", "SynthCore", .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "SystemdSupport", dependencies: [.product(name: "Logging", package: "swift-log")],
            swiftSettings: strictSettings
        ),

        // The therapist's side of the journal: the HTML report (inline SVG) and the exports.
        .target(name: "JournalReport", dependencies: ["HRVCore", "SessionStore"], swiftSettings: strictSettings),

        // `lull session --source stdin`: its line splitter (bounded lines) and beat parser, apart so a
        // fuzz target can reach them.
        .target(name: "StdinBeats", dependencies: ["HRVCore"], swiftSettings: strictSettings),
        // The clinic's shared store: the journal's sessions in PostgreSQL (schema migrations, sync
        // from a kiosk's journal, reading for reports, erasure).
        .target(
            name: "ClinicStore",
            dependencies: [
                "SessionStore", .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),

        // MARK: Libraries of the session runtime and the daemon
        // The typed wire: the JSON writer, the per-beat and summary records, journal event kinds,
        // client names; no NIO (the daemon, the client, the CLI's output and the report share it).
        .target(
            name: "LullWire", dependencies: ["HRVCore", "Guidance", "Session", "Assessment"],
            swiftSettings: strictSettings),
        // `lull hrv`'s analysis of a recording on two cores, and its table and JSON.
        .target(name: "HRVBatch", dependencies: ["HRVCore", "LullWire"], swiftSettings: strictSettings),
        // Where beats come from: the simulated listener, a replayed recording, stdin and a strap,
        // each stamping beats on the one session clock.
        .target(
            name: "HeartSources",
            dependencies: ["HRVCore", "Guidance", "ListenerModel", "StdinBeats", "BLEProtocol", "BluetoothLinux", "LullWire"],
            swiftSettings: strictSettings),
        // One session, whoever asked for it: a source's beats through the engine into the music,
        // the journal, the display and observers.
        .target(
            name: "SessionRuntime",
            dependencies: [
                "HeartSources", "LullWire", "Session", "Guidance", "HRVCore", "ListenerModel", "Assessment",
                "ALSAOutput", "SynthCore", "SessionStore", "BluetoothLinux", "BLEProtocol", "StdinBeats",
            ],
            swiftSettings: strictSettings),
        // The control API's client over the daemon's Unix socket (`lull start|stop|status`).
        .target(name: "ControlClient", dependencies: ["LullWire"], swiftSettings: strictSettings),
        // The daemon: state, sessions, strap and sound card monitors, the control API and kiosk
        // pages, the services it runs under ServiceLifecycle.
        .target(
            name: "LullDaemon",
            dependencies: [
                "SessionRuntime", "ControlClient", "LullWire", "LullConfig", "SystemdSupport", "ClinicStore",
                "SessionStore", "JournalReport", "BluetoothLinux", "BLEProtocol", "ALSAOutput", "SynthCore",
                "Guidance", "Session", "Assessment", "HRVCore", "HeartSources",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            // The kiosk pages' parts, embedded into the binary (one file to install).
            resources: ["shared.css", "client.css", "client.html", "client.js", "therapist.css", "therapist.html",
                "therapist.js", "assessment.css", "assessment.js"].map { .embedInCode("Kiosk/\($0)") },
            swiftSettings: strictSettings),

        // MARK: Composition root: the verbs
        .executableTarget(
            name: "lull",
            dependencies: [
                "HRVCore", "BLEProtocol", "SynthCore", "Guidance", "ListenerModel", "Assessment",
                "BluetoothLinux", "PeripheralEmulator", "ALSAOutput", "Session", "SessionStore", "JournalReport",
                "ClinicStore", "LullWire", "HRVBatch", "HeartSources", "SessionRuntime", "ControlClient", "LullDaemon",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                "LullConfig", "SystemdSupport", "StdinBeats",
            ],
            swiftSettings: strictSettings
        ),

        // MARK: Fuzz targets (libFuzzer: swift build -c release --sanitize=fuzzer --product Fuzz...)
        .executableTarget(name: "FuzzHeartRateMeasurement", dependencies: ["BLEProtocol"], swiftSettings: strictSettings),
        .executableTarget(name: "FuzzATTPDU", dependencies: ["BLEProtocol"], swiftSettings: strictSettings),
        .executableTarget(name: "FuzzRRText", dependencies: ["HRVCore"], swiftSettings: strictSettings),
        .executableTarget(name: "FuzzStdinLine", dependencies: ["StdinBeats"], swiftSettings: strictSettings),

        // MARK: Tests (Swift Testing)
        .testTarget(name: "HRVCoreTests", dependencies: ["HRVCore"], resources: [.copy("Fixtures")]),
        .testTarget(name: "BLEProtocolTests", dependencies: ["BLEProtocol"]),
        .testTarget(name: "BluetoothLinuxTests", dependencies: ["BluetoothLinux", "PeripheralEmulator", "BLEProtocol"]),
        // Signal analysis shared by the audio tests (onset and click detectors, loudness series).
        .target(name: "AudioTestSupport", dependencies: ["SynthCore"], path: "Tests/AudioTestSupport"),
        .testTarget(name: "SynthCoreTests", dependencies: ["SynthCore", "AudioTestSupport"]),
        .testTarget(name: "ALSAOutputTests", dependencies: ["ALSAOutput", "SynthCore", "AudioTestSupport"]),
        .testTarget(name: "GuidanceTests", dependencies: ["Guidance", "HRVCore", "ListenerModel"]),
        .testTarget(name: "ListenerModelTests", dependencies: ["ListenerModel", "HRVCore"]),
        .testTarget(name: "AssessmentTests", dependencies: ["Assessment", "Session", "ListenerModel", "HRVCore", "Guidance"]),
        .testTarget(
            name: "LullCommandTests",
            dependencies: [
                "SessionStore", "JournalReport", "StdinBeats", "ClinicStore", "ListenerModel",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(name: "LullConfigTests", dependencies: ["LullConfig", "Guidance"]),
        .testTarget(
            name: "SystemdSupportTests",
            dependencies: ["SystemdSupport", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(
            name: "SessionStoreTests", dependencies: ["SessionStore", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "JournalReportTests", dependencies: ["JournalReport", "SessionStore", "HRVCore"]),
        .testTarget(name: "ClinicStoreTests", dependencies: ["ClinicStore", "SessionStore"]),
        .testTarget(name: "SessionTests", dependencies: ["Session", "Guidance", "HRVCore"]),
        .testTarget(name: "LullWireTests", dependencies: ["LullWire", "HRVCore"]),
        .testTarget(name: "HRVBatchTests", dependencies: ["HRVBatch", "HRVCore", "LullWire"]),
        .testTarget(name: "HeartSourcesTests", dependencies: ["HeartSources", "HRVCore", "Guidance", "ListenerModel"]),
        .testTarget(
            name: "SessionRuntimeTests",
            dependencies: ["SessionRuntime", "HeartSources", "SessionStore", "Session", "HRVCore", "ListenerModel", "Guidance"]),
        .testTarget(name: "ControlClientTests", dependencies: ["ControlClient"]),
        .testTarget(
            name: "LullDaemonTests",
            dependencies: [
                "LullDaemon", "LullWire", "SessionRuntime", "SessionStore", "LullConfig",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
            ]),
    ]
)
