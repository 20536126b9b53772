// SPDX-License-Identifier: Apache-2.0
import CALSA
import Glibc

/// One open ALSA playback PCM, interleaved stereo, configured through libasound's hw/sw params.
///
/// Float is asked for first, so what reaches a `file` plugin is bit-identical to the renderer's
/// output; devices that refuse it get signed 16-bit (the "plug" layer behind "default" accepts both).
struct PCMDevice {
    let handle: OpaquePointer
    let isFloat: Bool
    let periodFrames: Int
    let bufferFrames: Int

    /// Opens `name` (blocking mode: `snd_pcm_writei` waits for room, which is the device's pacing).
    init(name: String, sampleRate: Int, periodFrames: Int, bufferFrames: Int) throws(AudioOutputError) {
        var pcm: OpaquePointer?
        var code = snd_pcm_open(&pcm, name, SND_PCM_STREAM_PLAYBACK, 0)
        guard code >= 0, let pcm else { throw Self.error(name, code) }
        var floatFormat = true
        var actualPeriod = snd_pcm_uframes_t(periodFrames)
        var actualBuffer = snd_pcm_uframes_t(bufferFrames)
        code = Self.configure(pcm, sampleRate: sampleRate, format: SND_PCM_FORMAT_FLOAT_LE, period: &actualPeriod, buffer: &actualBuffer)
        if code < 0 {
            floatFormat = false
            actualPeriod = snd_pcm_uframes_t(periodFrames)
            actualBuffer = snd_pcm_uframes_t(bufferFrames)
            code = Self.configure(pcm, sampleRate: sampleRate, format: SND_PCM_FORMAT_S16_LE, period: &actualPeriod, buffer: &actualBuffer)
        }
        guard code >= 0 else {
            snd_pcm_close(pcm)
            throw Self.error(name, code)
        }
        handle = pcm
        isFloat = floatFormat
        self.periodFrames = Int(actualPeriod)
        self.bufferFrames = Int(actualBuffer)
    }

    /// Closes the PCM; the value must not be used afterwards.
    func close() { snd_pcm_close(handle) }

    private static func error(_ name: String, _ code: Int32) -> AudioOutputError {
        .device(name: name, code: code, message: String(cString: snd_strerror(code)))
    }

    private static func configure(
        _ pcm: OpaquePointer, sampleRate: Int, format: snd_pcm_format_t, period: inout snd_pcm_uframes_t,
        buffer: inout snd_pcm_uframes_t
    ) -> Int32 {
        var hw: OpaquePointer?
        guard snd_pcm_hw_params_malloc(&hw) >= 0, let hw else { return -ENOMEM }
        defer { snd_pcm_hw_params_free(hw) }
        var code = snd_pcm_hw_params_any(pcm, hw)
        if code >= 0 { code = snd_pcm_hw_params_set_rate_resample(pcm, hw, 1) }
        if code >= 0 { code = snd_pcm_hw_params_set_access(pcm, hw, SND_PCM_ACCESS_RW_INTERLEAVED) }
        if code >= 0 { code = snd_pcm_hw_params_set_format(pcm, hw, format) }
        if code >= 0 { code = snd_pcm_hw_params_set_channels(pcm, hw, 2) }
        // The renderer's sample rate is part of its determinism, so the rate must be exact.
        if code >= 0 { code = snd_pcm_hw_params_set_rate(pcm, hw, UInt32(sampleRate), 0) }
        var direction: Int32 = 0
        if code >= 0 { code = snd_pcm_hw_params_set_period_size_near(pcm, hw, &period, &direction) }
        if code >= 0 { code = snd_pcm_hw_params_set_buffer_size_near(pcm, hw, &buffer) }
        if code >= 0 { code = snd_pcm_hw_params(pcm, hw) }
        guard code >= 0 else { return code }
        var sw: OpaquePointer?
        guard snd_pcm_sw_params_malloc(&sw) >= 0, let sw else { return -ENOMEM }
        defer { snd_pcm_sw_params_free(sw) }
        code = snd_pcm_sw_params_current(pcm, sw)
        // Start only once the buffer is full, so the first period never underruns.
        if code >= 0 { code = snd_pcm_sw_params_set_start_threshold(pcm, sw, buffer) }
        if code >= 0 { code = snd_pcm_sw_params_set_avail_min(pcm, sw, period) }
        if code >= 0 { code = snd_pcm_sw_params(pcm, sw) }
        return code
    }

    enum WriteOutcome { case written, recoveredUnderrun, lost(Int32) }

    /// Writes all frames, recovering xruns with `snd_pcm_recover` (which prepares the PCM again on
    /// EPIPE and resumes after ESTRPIPE, as bluez-alsa's `alsa-pcm.c` does). Any other error means
    /// the device went away (ENODEV, EBADFD, EIO…) and the caller reopens it.
    func write(_ samples: UnsafeRawPointer, frames: Int, bytesPerFrame: Int) -> WriteOutcome {
        var offset = 0
        var outcome = WriteOutcome.written
        while offset < frames {
            let result = snd_pcm_writei(handle, samples + offset * bytesPerFrame, snd_pcm_uframes_t(frames - offset))
            if result >= 0 {
                offset += Int(result)
                continue
            }
            let code = Int32(result)
            if code == -EPIPE || code == -ESTRPIPE || code == -EINTR {
                // A failed recovery is what makes the device lost: report its error (EIO when a
                // server behind the PCM has gone), not the xrun that asked for it, so the loss
                // reads the same whether the write or the prepare noticed first.
                let recovery = snd_pcm_recover(handle, code, 1)
                if recovery < 0 { return .lost(recovery) }
                if code == -EPIPE { outcome = .recoveredUnderrun }
                continue
            }
            return .lost(code)
        }
        return outcome
    }

    /// Lets queued audio play out (returns at once for untimed plugins such as null and file).
    func drain() { snd_pcm_drain(handle) }
}
