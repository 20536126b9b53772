// SPDX-License-Identifier: Apache-2.0
import Glibc
public import SynthCore
import Synchronization

/// Plays the piece in real time on a dedicated render pthread, to an ALSA device or a WAV file.
///
/// Why a pthread and not a `Task`: `snd_pcm_writei` blocks until the device has room, and a blocked
/// cooperative-pool thread (one per core) would starve the rest of the daemon (STYLE.md).
///
/// The thread renders one period at a time with `Renderer.render` (allocation- and lock-free), then
/// hands it to the device. Devices that do not pace (ALSA `null`/`file` plugins, WAV files) are paced
/// by `CLOCK_MONOTONIC`: the thread never runs more than one buffer ahead of real time. If the
/// device fails or disappears, the session's music keeps advancing at real-time pace into the void
/// while the device is reopened with exponential backoff; when it returns, playback resumes at the
/// current point of the piece.
///
/// ```swift
/// let store = ParameterStore(tempoBPM: 70, loudnessLUFS: -26)
/// let live = LiveOutput(synth: SynthConfiguration(seed: 3), parameters: store,
///                       configuration: .init(destination: .alsa(device: "default")))
/// try live.start()
/// store.setTempoBPM(60)              // from the guidance, any thread
/// live.stop(fadeOutSeconds: 5)       // soft stop: fades, drains, joins
/// ```
public final class LiveOutput: Sendable {
    /// Where the audio goes.
    public enum Destination: Sendable, Equatable {
        /// An ALSA PCM by name: "default", "hw:0,0", "plughw:1", or a plugin string.
        case alsa(device: String)
        /// A 32-bit float WAV file, written in real time.
        case wavFile(path: String)
    }

    public struct Configuration: Sendable, Equatable {
        public var destination: Destination
        /// Frames rendered and written per period.
        public var periodFrames: Int
        /// Device buffer size in frames (latency ≈ buffer / sample rate).
        public var bufferFrames: Int
        /// Stop by itself after this many frames (nil = until `stop`).
        public var maximumFrames: UInt64?
        /// First and longest wait between attempts to reopen a failed device.
        public var reopenInitialDelaySeconds: Double
        public var reopenMaximumDelaySeconds: Double

        public init(
            destination: Destination = .alsa(device: "default"), periodFrames: Int = 1_024, bufferFrames: Int = 4_096,
            maximumFrames: UInt64? = nil, reopenInitialDelaySeconds: Double = 0.25, reopenMaximumDelaySeconds: Double = 8
        ) {
            self.destination = destination
            self.periodFrames = periodFrames
            self.bufferFrames = bufferFrames
            self.maximumFrames = maximumFrames
            self.reopenInitialDelaySeconds = reopenInitialDelaySeconds
            self.reopenMaximumDelaySeconds = reopenMaximumDelaySeconds
        }
    }

    /// What happened to the device, in order, for the session journal and the log.
    ///
    /// Yielded by the render thread only on the device-failure path (where it is already closing
    /// and opening PCMs, not writing audio), never while audio flows.
    public enum Event: Sendable, Equatable {
        /// The open device failed mid-stream with this ALSA error; the music keeps advancing and the
        /// device is reopened with backoff. Journal as `device_lost`.
        case deviceLost(code: Int32, message: String, framesRendered: UInt64)
        /// An attempt to open the device failed (at start, or while it is away); the next attempt
        /// comes after `retryInSeconds`, doubling up to `reopenMaximumDelaySeconds`. Journal as `device_retry`.
        case deviceRetry(code: Int32, message: String, retryInSeconds: Double)
        /// The device is open again after a loss or failed opens; playback resumed with frame
        /// `resumedAtFrame` of the piece (what played meanwhile went unheard). Journal as `device_back`.
        case deviceBack(resumedAtFrame: UInt64, awaySeconds: Double)
    }

    public let parameters: ParameterStore
    public let configuration: Configuration
    /// The device's events (see `Event`); finishes when the render thread ends. Holds the newest 256
    /// if nobody reads it.
    public let events: AsyncStream<Event>
    let eventSink: AsyncStream<Event>.Continuation
    let synth: SynthConfiguration
    let state: RenderThreadState
    private let thread = Mutex<pthread_t?>(nil)

    public init(synth: SynthConfiguration, parameters: ParameterStore, configuration: Configuration = Configuration()) {
        self.synth = synth
        self.parameters = parameters
        self.configuration = configuration
        state = RenderThreadState()
        (events, eventSink) = AsyncStream.makeStream(of: Event.self, bufferingPolicy: .bufferingNewest(256))
    }

    deinit {
        // A forgotten output must not keep playing: stop at once.
        if thread.withLock({ $0 }) != nil { stop(fadeOutSeconds: 0) }
    }

    /// Starts the render thread. A WAV file that cannot be created throws here; an ALSA device that
    /// cannot be opened does not (it is retried with backoff; see `deviceOpenFailures`).
    public func start() throws(AudioOutputError) {
        var writer: WAVFileWriter? = nil
        if case .wavFile(let path) = configuration.destination {
            writer = try WAVFileWriter(path: path, sampleRate: synth.sampleRate)
        }
        let context = RenderThreadContext(output: self, writer: writer.take())
        let result: Result<Void, AudioOutputError> = thread.withLock { handle in
            guard handle == nil, !state.hasStarted.load(ordering: .relaxed) else {
                return .failure(.invalidState("a LiveOutput can be started once"))
            }
            state.hasStarted.store(true, ordering: .relaxed)
            var created = pthread_t()
            let code = pthread_create(
                &created, nil,
                { raw in
                    let context = Unmanaged<RenderThreadContext>.fromOpaque(raw!).takeRetainedValue()
                    context.run()
                    return nil
                }, Unmanaged.passRetained(context).toOpaque())
            guard code == 0 else { return .failure(.invalidState("pthread_create failed: \(code)")) }
            handle = created
            return .success(())
        }
        try result.get()
    }

    /// Soft stop: fades out over `fadeOutSeconds`, lets the device play what it holds, and joins the
    /// render thread. Blocks the caller for about the fade time; call it off the cooperative pool
    /// (or accept the wait at shutdown).
    public func stop(fadeOutSeconds: Double) {
        let fadeFrames = UInt64(max(0, fadeOutSeconds) * Double(synth.sampleRate))
        state.requestedFadeFrames.store(fadeFrames, ordering: .relaxed)
        state.stopRequested.store(true, ordering: .releasing)
        waitUntilFinished()
    }

    /// Waits for the render thread to end (after `maximumFrames` or `stop`).
    public func waitUntilFinished() {
        guard let handle = thread.withLock({ handle in defer { handle = nil }; return handle }) else { return }
        pthread_join(handle, nil)
    }

    /// True once the render thread has written its last frame.
    public var isFinished: Bool { state.finished.load(ordering: .acquiring) }
    /// Frames rendered (also in `parameters.framesRendered`).
    public var framesRendered: UInt64 { parameters.framesRendered }
    /// Frames the device (or file) accepted; lower than rendered while the device was away.
    public var framesDelivered: UInt64 { state.framesDelivered.load(ordering: .relaxed) }
    /// Successful device opens (1 for an uninterrupted session, more after reopening).
    public var deviceOpens: UInt64 { state.deviceOpens.load(ordering: .relaxed) }
    /// Failed attempts to open the device.
    public var deviceOpenFailures: UInt64 { state.deviceOpenFailures.load(ordering: .relaxed) }
    /// Opens that followed a loss or failed opens (each is a `deviceBack` event).
    public var deviceReturns: UInt64 { state.deviceReturns.load(ordering: .relaxed) }
    /// Times an open device failed mid-stream and was closed for reopening.
    public var deviceLosses: UInt64 { state.deviceLosses.load(ordering: .relaxed) }
    /// Whether a device is currently open.
    public var isDeviceOpen: Bool { state.deviceOpen.load(ordering: .relaxed) }
    /// BS.1770-4 integrated loudness of what was played, LUFS.
    public var integratedLUFS: Double { Double(bitPattern: state.integratedBits.load(ordering: .relaxed)) }
    /// Maximum 4× true peak of what was played, dBTP.
    public var truePeakDBTP: Double { Double(bitPattern: state.truePeakBits.load(ordering: .relaxed)) }
}

/// Atomics shared between the control side and the render thread.
final class RenderThreadState: Sendable {
    let hasStarted = Atomic<Bool>(false)
    let stopRequested = Atomic<Bool>(false)
    let requestedFadeFrames = Atomic<UInt64>(0)
    let finished = Atomic<Bool>(false)
    let framesDelivered = Atomic<UInt64>(0)
    let deviceOpens = Atomic<UInt64>(0)
    let deviceOpenFailures = Atomic<UInt64>(0)
    let deviceReturns = Atomic<UInt64>(0)
    let deviceLosses = Atomic<UInt64>(0)
    let deviceOpen = Atomic<Bool>(false)
    let integratedBits = Atomic<UInt64>((-Double.infinity).bitPattern)
    let truePeakBits = Atomic<UInt64>((-Double.infinity).bitPattern)
}
