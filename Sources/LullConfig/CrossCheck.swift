// SPDX-License-Identifier: Apache-2.0
import Guidance

/// The rules that tie two keys together, checked once every key has its value.
///
/// The message names the key that was set (the other may still be its default), with the value
/// and the bound the other key puts on it.
struct CrossCheck {
    let configuration: LullConfiguration
    let origins: [String: FoundValue]
    /// Where a key that kept its default is said to be (the file, or "configuration").
    let fallbackOrigin: String

    func run() throws(ConfigurationError) {
        let audio = configuration.audio
        // ALSA double-buffers: the ring must hold at least two periods (snd_pcm_hw_params_set_buffer_size
        // refuses less on most hardware, and one period means an xrun on every wake-up).
        try require(
            audio.bufferFrames >= 2 * audio.periodFrames, "audio.buffer_frames", Double(audio.bufferFrames),
            "at least 2 × audio.period_frames = \(2 * audio.periodFrames), at most 65536", or: "audio.period_frames",
            Double(audio.periodFrames), "at most audio.buffer_frames / 2 = \(audio.bufferFrames / 2)")
        // Faster than real time is only meaningful for the simulated listener: a real heart cannot be sped up.
        try require(
            configuration.session.timeScale == 1 || configuration.strap.isSimulated, "session.time_scale",
            configuration.session.timeScale, "1 unless strap.address is simulate")


        // Each pace stays at or below its bound (GuidanceConfiguration's contract), and each pair of
        // limits is ordered.
        let g = configuration.session.guidance
        let ordered: [(String, Double, String, Double)] = [
            ("lead_tempo_bpm_per_minute", g.leadTempoBPMPerMinute, "max_tempo_slew_bpm_per_minute", g.maxTempoSlewBPMPerMinute),
            ("close_tempo_bpm_per_minute", g.closeTempoBPMPerMinute, "max_tempo_slew_bpm_per_minute", g.maxTempoSlewBPMPerMinute),
            ("unconfirmed_tempo_drop_fraction", g.unconfirmedTempoDropFraction, "max_tempo_drop_fraction", g.maxTempoDropFraction),
            ("minimum_matched_tempo_bpm", g.minimumMatchedTempoBPM, "maximum_matched_tempo_bpm", g.maximumMatchedTempoBPM),
            ("lead_loudness_lu_per_minute", g.leadLoudnessLUPerMinute, "max_loudness_slew_lu_per_minute", g.maxLoudnessSlewLUPerMinute),
            ("match_loudness_lufs", g.matchLoudnessLUFS, "ceiling_loudness_lufs", g.ceilingLoudnessLUFS),
            ("lead_loudness_lufs", g.leadLoudnessLUFS, "ceiling_loudness_lufs", g.ceilingLoudnessLUFS),
            ("fade_out_seconds", g.fadeOutSeconds, "close_seconds", g.closeSeconds),
            ("fast_trend_seconds", g.fastTrendSeconds, "slow_trend_seconds", g.slowTrendSeconds),
            ("lead_tension_per_minute", g.leadTensionPerMinute, "max_tension_slew_per_minute", g.maxTensionSlewPerMinute),
        ]
        for (lower, lowerValue, upper, upperValue) in ordered {
            try atMost("session.guidance." + lower, lowerValue, "session.guidance." + upper, upperValue)
        }
    }

    /// `lower` ≤ `upper`; blames whichever of the two was set (`lower` when both or neither were).
    private func atMost(_ lower: String, _ lowerValue: Double, _ upper: String, _ upperValue: Double)
        throws(ConfigurationError)
    {
        try require(
            lowerValue <= upperValue, lower, lowerValue, "at most \(upper) = \(formatNumber(upperValue))", or: upper,
            upperValue, "at least \(lower) = \(formatNumber(lowerValue))")
    }

    private func require(
        _ holds: Bool, _ key: String, _ value: Double, _ allowed: String, or other: String? = nil,
        _ otherValue: Double = 0, _ otherAllowed: String = ""
    ) throws(ConfigurationError) {
        guard !holds else { return }
        let blameOther = other.map { origins[key] == nil && origins[$0] != nil } ?? false
        let (name, shown, bound) = blameOther ? (other!, otherValue, otherAllowed) : (key, value, allowed)
        let origin = origins[name]?.origin ?? fallbackOrigin
        let text = origins[name]?.raw ?? formatNumber(shown)
        throw ConfigurationError("\(origin): key \(name): \(text) is out of range (\(bound))")
    }
}

