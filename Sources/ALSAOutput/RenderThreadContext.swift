// SPDX-License-Identifier: Apache-2.0
import CALSA
import Glibc
import SynthCore
import Synchronization

/// Everything the render pthread owns. Created on the control side, handed over once, and touched
/// only by the render thread afterwards (hence `@unchecked Sendable`: ownership moves, nothing is shared
/// but the atomics in `RenderThreadState` and `ParameterStore`).
final class RenderThreadContext: @unchecked Sendable {
    let output: LiveOutput
    var writer: WAVFileWriter?

    init(output: LiveOutput, writer: consuming WAVFileWriter?) {
        self.output = output
        self.writer = writer
    }

    /// The render loop. Allocation happens here, before the loop; inside it only `Renderer.render`
    /// (checked `@_noLocks` in release builds), the meters, the fade and the device write run.
    func run() {
        let state = output.state
        let store = output.parameters
        let config = output.configuration
        let sampleRate = output.synth.sampleRate
        Self.raisePriority()
        Self.ignoreBrokenPipes()
        defer { output.eventSink.finish() }
        var renderer = Renderer(configuration: output.synth, parameters: store)
        var loudness = LoudnessMeter(sampleRate: sampleRate)
        var truePeak = TruePeakMeter()
        let period = max(32, config.periodFrames)
        let samples = UnsafeMutableBufferPointer<Float>.allocate(capacity: 2 * period)
        samples.initialize(repeating: 0)
        let shorts = UnsafeMutableBufferPointer<Int16>.allocate(capacity: 2 * period)
        shorts.initialize(repeating: 0)
        defer {
            samples.deallocate()
            shorts.deallocate()
        }

        var device: PCMDevice? = nil
        let deviceName: String?
        if case .alsa(let name) = config.destination { deviceName = name } else { deviceName = nil }
        var nextAttempt = Self.now()
        var backoff = config.reopenInitialDelaySeconds
        // When the device went away (or first failed to open); nil while it plays.
        var awaySince: Double? = nil
        let start = Self.now()
        // Run at most one buffer ahead of the wall clock when nothing else paces us.
        let leadFrames = UInt64(max(config.bufferFrames, period))
        var fadeGain: Float = 1
        var fadeStep: Float = 0
        var fading = false
        var last = false

        while !last {
            if !fading && state.stopRequested.load(ordering: .acquiring) {
                fading = true
                let fadeFrames = state.requestedFadeFrames.load(ordering: .relaxed)
                fadeStep = fadeFrames == 0 ? 1 : 1 / Float(fadeFrames)
            }
            var count = period
            if let maximum = config.maximumFrames {
                let remaining = maximum &- renderer.framesRendered
                if renderer.framesRendered >= maximum { break }
                count = min(count, Int(remaining))
                if UInt64(count) == remaining { last = true }
            }
            let block = UnsafeMutableBufferPointer(rebasing: samples[0..<(2 * count)])
            renderer.render(into: block, parameters: store)
            if fading {
                // A linear fade to silence; the period it reaches zero is the last one written.
                for frame in 0..<count {
                    fadeGain = max(0, fadeGain - fadeStep)
                    block[2 * frame] *= fadeGain
                    block[2 * frame + 1] *= fadeGain
                }
                if fadeGain == 0 { last = true }
            }
            loudness.process(interleaved: UnsafeBufferPointer(block))
            truePeak.process(interleaved: UnsafeBufferPointer(block))

            if let name = deviceName {
                if device == nil && Self.now() >= nextAttempt {
                    do {
                        device = try PCMDevice(
                            name: name, sampleRate: sampleRate, periodFrames: period, bufferFrames: config.bufferFrames)
                        state.deviceOpens.add(1, ordering: .relaxed)
                        state.deviceOpen.store(true, ordering: .relaxed)
                        backoff = config.reopenInitialDelaySeconds
                        if let since = awaySince {
                            awaySince = nil
                            state.deviceReturns.add(1, ordering: .relaxed)
                            output.eventSink.yield(
                                .deviceBack(resumedAtFrame: renderer.framesRendered - UInt64(count), awaySeconds: Self.now() - since))
                        }
                    } catch {
                        state.deviceOpenFailures.add(1, ordering: .relaxed)
                        if awaySince == nil { awaySince = Self.now() }
                        nextAttempt = Self.now() + backoff
                        let (code, message) = Self.describe(error)
                        output.eventSink.yield(.deviceRetry(code: code, message: message, retryInSeconds: backoff))
                        backoff = min(backoff * 2, config.reopenMaximumDelaySeconds)
                    }
                }
                if let open = device {
                    let outcome: PCMDevice.WriteOutcome
                    if open.isFloat {
                        outcome = open.write(UnsafeRawPointer(block.baseAddress!), frames: count, bytesPerFrame: 8)
                    } else {
                        for index in 0..<(2 * count) {
                            shorts[index] = Int16((min(max(block[index], -1), 1) * 32_767).rounded())
                        }
                        outcome = open.write(UnsafeRawPointer(shorts.baseAddress!), frames: count, bytesPerFrame: 4)
                    }
                    switch outcome {
                    case .written:
                        state.framesDelivered.add(UInt64(count), ordering: .relaxed)
                    case .recoveredUnderrun:
                        store.recordUnderrun()
                        state.framesDelivered.add(UInt64(count), ordering: .relaxed)
                    case .lost(let code):
                        open.close()
                        device = nil
                        state.deviceOpen.store(false, ordering: .relaxed)
                        state.deviceLosses.add(1, ordering: .relaxed)
                        awaySince = Self.now()
                        nextAttempt = Self.now() + backoff
                        backoff = min(backoff * 2, config.reopenMaximumDelaySeconds)
                        output.eventSink.yield(
                            .deviceLost(
                                code: code, message: String(cString: snd_strerror(code)),
                                framesRendered: renderer.framesRendered))
                    }
                }
            } else if writer != nil {
                do {
                    try writer!.write(UnsafeBufferPointer(block))
                    state.framesDelivered.add(UInt64(count), ordering: .relaxed)
                } catch {
                    state.deviceLosses.add(1, ordering: .relaxed)
                }
            }

            // Clock pacing: sleep until the wall clock is within one buffer of what we have rendered.
            let rendered = renderer.framesRendered
            if rendered > leadFrames {
                let due = start + Double(rendered - leadFrames) / Double(sampleRate)
                Self.sleep(until: due)
            }
            state.integratedBits.store(loudness.integratedLUFS.bitPattern, ordering: .relaxed)
            state.truePeakBits.store(truePeak.truePeakDBTP.bitPattern, ordering: .relaxed)
        }

        device?.drain()
        device?.close()
        device = nil
        state.deviceOpen.store(false, ordering: .relaxed)
        if let finishing = writer.take() { try? finishing.finish() }
        state.integratedBits.store(loudness.integratedLUFS.bitPattern, ordering: .relaxed)
        state.truePeakBits.store(truePeak.truePeakDBTP.bitPattern, ordering: .relaxed)
        state.finished.store(true, ordering: .releasing)
    }

    /// Asks for SCHED_FIFO priority 10 (the unit's LimitRTPRIO=20 allows it); without the
    /// privilege it stays SCHED_OTHER, which is fine with a 4-period buffer.
    static func raisePriority() {
        var parameters = sched_param()
        parameters.sched_priority = 10
        _ = pthread_setschedparam(pthread_self(), Int32(SCHED_FIFO), &parameters)
    }

    /// Blocks SIGPIPE on this thread. An ALSA `file` plugin may pipe to a command (`file "|cmd"`);
    /// if that command exits, the plugin's next write raises SIGPIPE on this thread, whose default
    /// action would end the whole daemon, music and journal with it. Blocked, the write just fails
    /// with EPIPE, which the plugin reports and ignores.
    static func ignoreBrokenPipes() {
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &signals, nil)
    }

    /// The ALSA error code and message of a failed open.
    static func describe(_ error: AudioOutputError) -> (Int32, String) {
        switch error {
        case .device(_, let code, let message): (code, message)
        case .file(_, let errno): (-errno, String(cString: strerror(errno)))
        case .invalidState(let message): (-EINVAL, message)
        }
    }

    static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }

    static func sleep(until deadline: Double) {
        guard deadline > now() else { return }
        var time = timespec(tv_sec: Int(deadline), tv_nsec: Int((deadline - deadline.rounded(.down)) * 1e9))
        while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &time, nil) == EINTR {}
    }
}
