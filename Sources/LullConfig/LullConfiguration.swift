// SPDX-License-Identifier: Apache-2.0
public import Guidance
public import SynthCore

/// Everything an operator can set for `lull daemon`, with the defaults a kiosk starts from.
///
/// It is read from one YAML file (`/etc/lull/lull.yaml`; `Config/lull.yaml` documents every key) with
/// `LULL_…` environment variables over it (`LULL_` + the key path upper-cased, `_` for `.`:
/// `LULL_AUDIO_DEVICE`, `LULL_SESSION_DEFAULT_MINUTES`). Every key has the default below, so an empty
/// file, or none, is a valid configuration. `load(path:environment:)` validates every key and
/// rejects unknown ones, so a typo never silently falls back to a default on an unattended kiosk.
public struct LullConfiguration: Sendable, Equatable {
    /// The heart-rate source.
    public struct Strap: Sendable, Equatable {
        /// `strap.address`: "auto" (the first heart-rate strap in range), "AA:BB:CC:DD:EE:FF" (one
        /// strap), "unix:PATH" (a strap emulator, `lull emulate-strap`) or "simulate" (the simulated
        /// listener).
        public var address: String = "auto"
        /// `strap.adapter`: the Bluetooth adapter, "hciN".
        public var adapter: String = "hci0"
        /// `strap.auto_start_on_contact`: start a session when the strap reports skin contact.
        public var autoStartOnContact: Bool = false
        /// `strap.simulated_profile` (anxious | calm | non-responder), used with address "simulate".
        public var simulatedProfile: String = "anxious"
        public init() {}

        /// The address that means the simulated listener instead of a strap.
        public static let simulatedAddress = "simulate"
        /// Whether the beats come from the simulated listener.
        public var isSimulated: Bool { address == Self.simulatedAddress }
    }

    /// The sound output.
    public struct Audio: Sendable, Equatable {
        /// `audio.device`: an ALSA device name ("default", "hw:0,0", "file:'PATH',raw"), a path ending
        /// in ".wav" (the music written to a file), or "none".
        public var device: String = "default"
        /// `audio.period_frames` (64...16384): frames per ALSA period.
        public var periodFrames: Int = 1024
        /// `audio.buffer_frames` (at least 2 periods, at most 65536): frames in the ALSA ring buffer.
        public var bufferFrames: Int = 4096
        /// `audio.ceiling_lufs` (-40...-10): no loudness target is ever louder than this.
        public var ceilingLUFS: Double = -18
        public init() {}
    }

    /// A guided session.
    public struct Session: Sendable, Equatable {
        /// `session.default_minutes` (1...240): the length of a session started without one.
        public var defaultMinutes: Double = 20
        /// `session.durations_minutes` (each 1...240): the lengths the kiosk offers.
        public var durationsMinutes: [Int] = [10, 20, 30]
        /// `session.time_scale` (1...100): simulated time per real second; above 1 only with
        /// `strap.address: simulate` (tests and demos).
        public var timeScale: Double = 1
        /// `session.palette`: the instrumentation a session has when the client chose none and has
        /// no earlier choice in the journal.
        public var palette: Palette = .default
        /// `session.guidance.<snake_case of each field>`: every bound and pace of the iso controller.
        public var guidance: GuidanceConfiguration = .init()
        public init() {}
    }

    /// The session journal.
    public struct Journal: Sendable, Equatable {
        /// `journal.path`: an absolute path; nil means the state directory's `lull.sqlite`.
        public var path: String? = nil
        /// `journal.retention_days`: 0 keeps every session; else 30...3650 days.
        public var retentionDays: Int = 0
        /// `journal.sync_to`: the clinic's PostgreSQL store (postgres://...); nil keeps sessions on
        /// this kiosk only. With it, retention never removes a session the store has not confirmed.
        public var syncTo: String? = nil
        /// `journal.sync_password_file`: an absolute path to a file whose first line is the store's
        /// password; nil means the URL's, or systemd's credential `lull-store-password`.
        public var syncPasswordFile: String? = nil
        public init() {}
    }

    /// The control API.
    public struct Control: Sendable, Equatable {
        /// `control.socket_path`: an absolute path; nil means `$RUNTIME_DIRECTORY/control.sock`, else
        /// `$XDG_RUNTIME_DIR/lull/control.sock`, else `/tmp/lull-$UID/control.sock`.
        public var socketPath: String? = nil
        /// `control.port` (1024...65535): also serve on 127.0.0.1:PORT; nil means no TCP at all.
        public var port: Int? = nil
        public init() {}
    }

    /// The kiosk page.
    public struct Kiosk: Sendable, Equatable {
        /// `kiosk.therapist_code` (at least 6 characters); nil refuses the therapist view.
        public var therapistCode: String? = nil
        /// `kiosk.id`: this kiosk's name in the clinic store; nil derives one from /etc/machine-id.
        public var id: String? = nil
        public init() {}
    }

    public var strap = Strap(), audio = Audio(), session = Session(), journal = Journal(), control = Control(),
        kiosk = Kiosk()

    /// The defaults: what an empty or absent configuration file means.
    public init() {}
}
