// SPDX-License-Identifier: Apache-2.0
import LullWire
import HeartSources
package import BluetoothLinux
package import ListenerModel

/// The parsed choices of one session.
package struct SessionPlan {
    package enum Source {
        case simulate(ListenerProfile)
        case replay(path: String)
        case stdin
        case strap(StrapTarget)
    }

    package typealias Audio = AudioDestination

    /// Where the beats come from and where the music goes.
    package var source: Source, audio: Audio
    /// The planned length; whether beats are released in real time (live sources, or not --fast).
    package var plannedSeconds: Double, paced: Bool

    package init(source: Source, audio: Audio, plannedSeconds: Double, paced: Bool) {
        (self.source, self.audio, self.plannedSeconds, self.paced) = (source, audio, plannedSeconds, paced)
    }

    /// `--source` and `--audio` as `lull session` and `lull assess` take them.
    private static func parse(source sourceText: String, audio audioText: String?, fast: Bool, profile: String, adapter: String)
        throws(SessionPlanError) -> (Source, Audio)
    {
        let source: Source
        let audio: Audio
        switch sourceText {
        case "simulate": source = .simulate(ListenerProfile(name: profile) ?? .anxious)
        case "stdin": source = .stdin
        case let s where s.hasPrefix("replay:"):
            let path = String(s.dropFirst("replay:".count))
            guard !path.isEmpty else { throw SessionPlanError("--source replay:FILE needs a file") }
            source = .replay(path: path)
        case let s where s == "auto" || s.hasPrefix("unix:") || s.hasPrefix("strap:"):
            let text = s.hasPrefix("strap:") ? String(s.dropFirst("strap:".count)) : s
            do {
                source = .strap(try StrapTarget(parsing: text, adapter: adapter))
            } catch {
                throw SessionPlanError("--source \(s): \(error)")
            }
        default:
            throw SessionPlanError(
                "--source \(sourceText): expected simulate, replay:FILE, stdin, strap:ADDRESS, auto or unix:PATH")
        }
        do {
            audio = try AudioDestination(parsing: audioText ?? (fast ? "none" : "default"))
        } catch { throw SessionPlanError("--audio \(error.description)") }
        return (source, audio)
    }

    /// A plan from `--source`, `--audio`, `--fast`, `--profile` and `--adapter` as `lull session`
    /// and `lull assess` take them; the planned length is the caller's.
    package init(source: String, audio: String?, fast: Bool, profile: String, adapter: String, plannedSeconds: Double = 0)
        throws(SessionPlanError)
    {
        let (parsedSource, parsedAudio) = try Self.parse(source: source, audio: audio, fast: fast, profile: profile, adapter: adapter)
        self.init(source: parsedSource, audio: parsedAudio, plannedSeconds: plannedSeconds, paced: Self.paced(parsedSource, fast: fast))
    }

    /// Live sources run in real time; stdin at the producer's pace; the others unless --fast.
    package static func paced(_ source: Source, fast: Bool) -> Bool {
        switch source {
        case .stdin: false
        case .strap: true
        default: !fast
        }
    }
}

/// A --source or --audio the plan cannot take, in the flag's own words.
package struct SessionPlanError: Error, CustomStringConvertible, Equatable {
    package let description: String
    package init(_ description: String) { self.description = description }
}

/// Where a session's music goes: the one grammar of `--audio`, the daemon's `audio.device` and
/// `lull render`'s output (`none`, `default`, `alsa:DEVICE`, `FILE.wav`).
package enum AudioDestination: Equatable, Sendable, CustomStringConvertible {
    case none
    case wav(path: String)
    case alsa(device: String)

    package init(parsing text: String) throws(SessionPlanError) {
        switch text {
        case "none": self = .none
        case "default": self = .alsa(device: "default")
        case let a where a.hasPrefix("alsa:"):
            let device = String(a.dropFirst("alsa:".count))
            guard !device.isEmpty else { throw SessionPlanError("alsa:DEVICE needs a device name") }
            self = .alsa(device: device)
        case let a where a.lowercased().hasSuffix(".wav"): self = .wav(path: a)
        default: throw SessionPlanError("\(text): expected default, alsa:DEVICE, FILE.wav or none")
        }
    }

    /// The daemon's `audio.device`: as `--audio`, and a bare name is an ALSA device (`hw:1`).
    package init(configured device: String) {
        self = (try? AudioDestination(parsing: device)) ?? .alsa(device: device)
    }

    package var description: String {
        switch self {
        case .none: "none"
        case .wav(let path): "wav(path: \"\(path)\")"
        case .alsa(let device): "alsa(device: \"\(device)\")"
        }
    }
}

/// Why a session could not run to its end: one line that names what and where (a recording that
/// cannot be read, a stdin line that is not a beat, a sound card or WAV file that cannot be opened,
/// a strap that failed for good).
package struct SessionRunError: Error, CustomStringConvertible {
    package let description: String
    package init(_ description: String) { self.description = description }
}
