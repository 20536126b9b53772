// SPDX-License-Identifier: Apache-2.0
import LullWire
import HeartSources
import ALSAOutput
import BluetoothLinux
import Foundation
package import Guidance
package import SessionStore
import Synchronization
package import SynthCore

/// The listening track of one session: offline (rendered in lockstep with simulated time, to a WAV
/// file or nowhere) or live (a render thread paced by the device or, for a WAV file, by the clock).
package final class SessionAudio {
    package let store: ParameterStore
    private var offline: OfflineRenderer?
    private var live: LiveOutput?
    private let sampleRate: Int
    private var offlineFrames: Int64 = 0
    private let enabled: Bool
    package private(set) var measuredLUFS: Double?
    package private(set) var truePeakDBTP: Double?

    /// The output's buffered latency in seconds (what is rendered but not yet heard), for the
    /// swell phase "as heard"; 0 for offline rendering, where session time is the file's time.
    package let latencySeconds: Double

    /// The live device's losses, retries and returns, collected off the render thread's event
    /// stream until the session loop takes them into the journal.
    private let deviceEvents = DeviceEventLog()

    package init(settings: SessionSettings, initial: MusicTarget) throws {
        let plan = settings.plan
        let synth = SynthConfiguration(seed: settings.seed, palette: settings.palette)
        sampleRate = synth.sampleRate
        let store = ParameterStore(tempoBPM: initial.tempoBPM, loudnessLUFS: initial.heardLoudnessLUFS)
        self.store = store
        store.setSwellBreathsPerMinute(initial.swellBreathsPerMinute)
        store.setSwellDepthLU(initial.swellDepthLU)
        store.setBrightness(initial.brightness)
        store.setTension(initial.tension)
        // Faster than real time, a WAV file is rendered in lockstep with session time, as unpaced.
        let realTime = plan.paced && settings.timeScale == 1
        let makeLive: (LiveOutput.Destination) -> LiveOutput = { destination in
            LiveOutput(
                synth: synth, parameters: store,
                configuration: .init(
                    destination: destination, periodFrames: settings.audioPeriodFrames,
                    bufferFrames: settings.audioBufferFrames))
        }
        var liveOutput: LiveOutput?
        switch (plan.audio, realTime) {
        case (.none, _):
            enabled = false
        case (.wav(let path), false):
            enabled = true
            do {
                offline = try OfflineRenderer(configuration: synth, parameters: store, wavPath: path, measuresTruePeak: true)
            } catch {
                throw SessionRunError("audio: \(error)")
            }
        case (.wav(let path), true):
            enabled = true
            liveOutput = makeLive(.wavFile(path: path))
        case (.alsa(let device), _):
            enabled = true
            liveOutput = makeLive(.alsa(device: device))
        }
        live = liveOutput
        latencySeconds = liveOutput == nil ? 0 : Double(settings.audioBufferFrames) / Double(synth.sampleRate)
        if let live = liveOutput {
            do { try live.start() } catch { throw SessionRunError("audio: \(error)") }
            let log = deviceEvents
            let events = live.events
            Task { for await event in events { log.append(event) } }
        }
    }

    package func apply(_ target: MusicTarget) {
        store.setTempoBPM(target.tempoBPM)
        store.setLoudnessLUFS(target.heardLoudnessLUFS)
        store.setSwellBreathsPerMinute(target.swellBreathsPerMinute)
        store.setSwellDepthLU(target.swellDepthLU)
        store.setBrightness(target.brightness)
        store.setTension(target.tension)
    }

    /// Offline: renders audio up to session time `seconds`. Live audio runs by itself.
    package func advance(to seconds: Double) throws {
        guard offline != nil else { return }
        let due = Int64(seconds * Double(sampleRate)) - offlineFrames
        if due > 0 {
            do { try offline!.render(frames: Int(due)) } catch { throw SessionRunError("audio: \(error)") }
            offlineFrames += due
        }
    }

    /// The short-term loudness the render side measured, if audio is playing.
    package var shortTermLUFS: Double? {
        guard enabled else { return nil }
        let v = store.shortTermLUFS
        return v.isFinite ? v : nil
    }

    package var underruns: UInt64 { store.underruns }

    /// The device events since the last call, as journal rows (kind, detail).
    package func takeDeviceEvents() -> [(kind: JournalEventKind, detail: String)] {
        deviceEvents.take().map { event in
            switch event {
            case .deviceLost(let code, let message, let frames):
                (.deviceLost, "\(message) (ALSA error \(code)) after \(frames) frames; the music continues")
            case .deviceRetry(let code, let message, let delay):
                (.deviceRetry, "\(message) (ALSA error \(code)); next attempt in \(String(format: "%.1f", delay)) s")
            case .deviceBack(let frame, let away):
                (.deviceBack, "resumed at frame \(frame) after \(String(format: "%.1f", away)) s away")
            }
        }
    }

    /// Reads the swell's phase from the render side (nil without audio: nothing renders it).
    package var swellProbe: SwellProbe? {
        guard enabled else { return nil }
        return SwellProbe(store: store, latencySeconds: latencySeconds, live: live != nil, sampleRate: Double(sampleRate))
    }

    /// Ends the music softly: fades over `fadeSeconds` from session time `seconds`. The fade (a
    /// render thread joined after 3 s, or 3 s of audio rendered offline) runs on a thread of its
    /// own (`DetachedThread`, as the sound card probe does), never on Swift concurrency's
    /// cooperative pool.
    package func finish(at seconds: Double, fadeSeconds: Double) async throws {
        let done = SessionAudioBox(self)
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            DetachedThread.start {
                continuation.resume(with: Result { try done.audio.finishBlocking(at: seconds, fadeSeconds: fadeSeconds) })
            }
        }
    }

    private func finishBlocking(at seconds: Double, fadeSeconds: Double) throws {
        if let live {
            live.stop(fadeOutSeconds: fadeSeconds)
            live.waitUntilFinished()
            measuredLUFS = live.integratedLUFS
            truePeakDBTP = live.truePeakDBTP
            return
        }
        guard offline != nil else { return }
        // A linear fade in dB, in small steps so the render-side ramps make it smooth.
        let start = store.loudnessLUFS
        let floor = ParameterStore.loudnessRangeLUFS.lowerBound
        let steps = 40
        for i in 1...steps {
            let f = Double(i) / Double(steps)
            store.setLoudnessLUFS(start + (floor - start) * f)
            try advance(to: seconds + fadeSeconds * f)
        }
        var taken: OfflineRenderer? = nil
        swap(&taken, &offline)
        if let renderer = taken {
            do {
                let measured = try renderer.finish()
                measuredLUFS = measured.integratedLUFS
                truePeakDBTP = measured.truePeakDBTP
            } catch {
                throw SessionRunError("audio: \(error)")
            }
        }
    }
}

/// Hands the session's audio to the finishing thread: the session loop waits for it and touches
/// nothing meanwhile.
private struct SessionAudioBox: @unchecked Sendable {
    let audio: SessionAudio
    init(_ audio: SessionAudio) { self.audio = audio }
}

/// Device events handed from the output's event stream to the session loop.
private final class DeviceEventLog: Sendable {
    private let events = Mutex<[LiveOutput.Event]>([])
    func append(_ event: LiveOutput.Event) { events.withLock { $0.append(event) } }
    func take() -> [LiveOutput.Event] { events.withLock { list in defer { list.removeAll() }; return list } }
}
