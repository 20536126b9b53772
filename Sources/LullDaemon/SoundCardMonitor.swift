// SPDX-License-Identifier: Apache-2.0
import LullWire
import SessionRuntime
import ControlClient
import HeartSources
import ALSAOutput
import BluetoothLinux
import Logging
import ServiceLifecycle

/// `audio.device` as an ALSA PCM: the daemon checks at start that it opens, and while it does not
/// (no sound card yet, a USB card unplugged) it stays up, says so in one warning line, shows it in
/// `/api/status` (`audio.detail`), systemd's STATUS= and `lull status`, and checks again every
/// 10 s. A session asked for meanwhile is refused with that line (`SoundCard.refusal`): Lull's
/// sessions are music, and a session without it would record a therapy that did not happen;
/// `audio.device: none` is the explicit way to run without sound.
struct SoundCardMonitor: Service {
    let device: String
    let state: DaemonState
    let logger: Logger
    static let retrySeconds: Int64 = 10

    /// The ALSA device of `audio.device` when it needs a sound card; nil for `none`, WAV files and
    /// the PCM plugins that write elsewhere (`file:`, `null`, a sound server's `pulse`, `pipewire`,
    /// `jack`): nothing to wait for, and opening one to probe it would have side effects (a file
    /// plugin truncates its file, or blocks on a FIFO until someone reads it).
    static func alsaDevice(_ configured: String) -> String? {
        if configured == "none" || configured.lowercased().hasSuffix(".wav") { return nil }
        let type = configured.prefix { $0 != ":" }
        return ["file", "null", "pulse", "pipewire", "jack"].contains(type) ? nil : configured
    }

    func run() async {
        var first = true
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let s = state.snapshot
            // A session holds the device; once it opened, there is nothing to check until one fails.
            if s.running == nil && (first || s.audioProblem != nil) {
                let problem = await SoundCard.problem(device: device)
                if problem != s.audioProblem {
                    if let problem {
                        logger.warning("\(problem)")
                    } else if !first {
                        logger.notice("sound card \(device) is back")
                    }
                    state.audioChanged(problem)
                }
                first = false
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(Self.retrySeconds)) }
        }
    }
}

enum SoundCard {
    /// The line logged and shown while `device` does not open, or nil when it does. The probe runs
    /// on a thread of its own: libasound's open is blocking work.
    static func problem(device: String) async -> String? {
        let failure = await withCheckedContinuation { (done: CheckedContinuation<String?, Never>) in
            DetachedThread.start { done.resume(returning: PCMProbe.failure(name: device)) }
        }
        return failure.map { "no sound card for audio.device \(device) (ALSA: \($0)): waiting for one" }
    }

    /// Why a session cannot start while the sound card is missing.
    static func refusal(_ problem: String) -> String {
        "cannot start a session: \(problem); set audio.device: none to run sessions without music"
    }
}
