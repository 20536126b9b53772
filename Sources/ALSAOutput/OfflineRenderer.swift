// SPDX-License-Identifier: Apache-2.0
public import SynthCore

/// Renders the piece as fast as the CPU allows, driven by the caller: "render the next N frames".
///
/// A simulated session advances audio in lockstep with simulated time by calling `render(frames:)`
/// between parameter changes; the output goes to a WAV file or is discarded, and is always measured
/// (BS.1770-4 integrated loudness, by the renderer's own meter of its output, and 4× true peak) so a
/// run can report what it would have played.
///
/// ```swift
/// let store = ParameterStore(tempoBPM: 72, loudnessLUFS: -26)
/// var offline = try OfflineRenderer(configuration: SynthConfiguration(seed: 7), parameters: store, wavPath: "x.wav")
/// try offline.render(frames: 48_000)     // one second
/// store.setTempoBPM(66)
/// try offline.render(frames: 48_000)
/// let measured = try offline.finish()    // (integratedLUFS, truePeakDBTP)
/// ```
public struct OfflineRenderer: ~Copyable {
    public let parameters: ParameterStore
    private var renderer: Renderer
    private var writer: WAVFileWriter?
    private var truePeak = TruePeakMeter()
    private let chunk: UnsafeMutableBufferPointer<Float>
    private let measuresTruePeak: Bool

    static let chunkFrames = 4_096

    /// - Parameters:
    ///   - wavPath: where to write 32-bit float stereo WAV, or nil to discard the audio.
    ///   - measuresTruePeak: the 4× true-peak meter (a few percent of the synth's time once its
    ///     bound skips quiet spans); a fast simulation that does not need it can turn it off.
    public init(
        configuration: SynthConfiguration, parameters: ParameterStore, wavPath: String?, measuresTruePeak: Bool = true
    ) throws(AudioOutputError) {
        self.parameters = parameters
        renderer = Renderer(configuration: configuration, parameters: parameters)
        self.measuresTruePeak = measuresTruePeak
        writer = try wavPath.map { path throws(AudioOutputError) in try WAVFileWriter(path: path, sampleRate: configuration.sampleRate) }
        chunk = .allocate(capacity: 2 * Self.chunkFrames)
        chunk.initialize(repeating: 0)
    }

    deinit { chunk.deallocate() }

    /// Frames rendered so far.
    public var framesRendered: UInt64 { renderer.framesRendered }
    /// Frames per ramp; set targets for the end of each chunk this long for exact trajectories.
    public var parameterRampFrames: Int { renderer.configuration.parameterRampFrames }
    /// Integrated loudness of everything rendered so far, LUFS.
    public var integratedLUFS: Double { renderer.meter.integratedLUFS }
    /// Maximum true peak so far, dBTP (−∞ if true peak is not measured).
    public var truePeakDBTP: Double { truePeak.truePeakDBTP }

    /// Renders the next `frames` frames into the file (or nowhere), measuring them.
    public mutating func render(frames: Int) throws(AudioOutputError) {
        var remaining = frames
        while remaining > 0 {
            let count = min(remaining, Self.chunkFrames)
            let slice = UnsafeMutableBufferPointer(rebasing: chunk[0..<(2 * count)])
            renderer.render(into: slice, parameters: parameters)
            let samples = UnsafeBufferPointer(slice)
            if measuresTruePeak { truePeak.process(interleaved: samples) }
            if writer != nil { try writer!.write(samples) }
            remaining -= count
        }
    }

    /// Closes the WAV file (if any) and returns the measurements.
    public consuming func finish() throws(AudioOutputError) -> (integratedLUFS: Double, truePeakDBTP: Double) {
        let result = (renderer.meter.integratedLUFS, truePeak.truePeakDBTP)
        if let writer = writer.take() { try writer.finish() }
        return result
    }
}
