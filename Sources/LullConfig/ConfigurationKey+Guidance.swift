// SPDX-License-Identifier: Apache-2.0
import Guidance

extension ConfigurationKey {
    /// `session.guidance.<snake_case of each GuidanceConfiguration field>`.
    ///
    /// The ranges keep every bound where the iso controller's reasoning still holds (see
    /// `GuidanceConfiguration` for the sources): wide enough for a therapist's protocol, narrow
    /// enough that no value can make the music jump, stop, or go louder than the ceiling.
    /// The relations between keys (a pace at or below its bound, ...) are in `crossCheck`.
    static let guidance: [ConfigurationKey] = [
        // Phases
        g("match_seconds", \.matchSeconds, 30...1800),
        g("close_seconds", \.closeSeconds, 30...900),
        g("fade_in_seconds", \.fadeInSeconds, 0...300),
        g("fade_out_seconds", \.fadeOutSeconds, 1...300),
        // Tempo
        g("max_tempo_slew_bpm_per_minute", \.maxTempoSlewBPMPerMinute, 0.5...10),
        g("max_tempo_drop_fraction", \.maxTempoDropFraction, 0...0.6),
        g("lead_tempo_bpm_per_minute", \.leadTempoBPMPerMinute, 0...10),
        g("unconfirmed_tempo_drop_fraction", \.unconfirmedTempoDropFraction, 0...0.6),
        g("minimum_tempo_bpm", \.minimumTempoBPM, 30...90),
        g("close_tempo_bpm_per_minute", \.closeTempoBPMPerMinute, 0...10),
        g("minimum_matched_tempo_bpm", \.minimumMatchedTempoBPM, 30...120),
        g("maximum_matched_tempo_bpm", \.maximumMatchedTempoBPM, 45...200),
        g("initial_tempo_bpm", \.initialTempoBPM, 30...200),
        // Loudness
        g("max_loudness_slew_lu_per_minute", \.maxLoudnessSlewLUPerMinute, 0.1...6),
        g("ceiling_loudness_lufs", \.ceilingLoudnessLUFS, -40...(-10)),
        g("match_loudness_lufs", \.matchLoudnessLUFS, -60...(-10)),
        g("lead_loudness_lufs", \.leadLoudnessLUFS, -60...(-10)),
        g("lead_loudness_lu_per_minute", \.leadLoudnessLUPerMinute, 0...6),
        g("close_loudness_lufs", \.closeLoudnessLUFS, -70...(-10)),
        // Breathing guide
        g("max_guide_slew_breaths_per_minute_per_minute", \.maxGuideSlewBreathsPerMinutePerMinute, 0.1...6),
        g("resonance_breaths_per_minute", \.resonanceBreathsPerMinute, 4...10),
        g("guide_step_fraction", \.guideStepFraction, 0.5...1),
        g("hold_guide_fraction", \.holdGuideFraction, 0.5...1),
        g("initial_guide_breaths_per_minute", \.initialGuideBreathsPerMinute, 4...30),
        g("match_swell_depth_lu", \.matchSwellDepthLU, 0...10),
        g("lead_swell_depth_lu", \.leadSwellDepthLU, 0...10),
        g("max_swell_depth_slew_lu_per_minute", \.maxSwellDepthSlewLUPerMinute, 0.1...10),
        // Brightness
        g("match_brightness", \.matchBrightness, 0...1),
        g("lead_brightness", \.leadBrightness, 0...1),
        g("close_brightness", \.closeBrightness, 0...1),
        g("max_brightness_slew_per_minute", \.maxBrightnessSlewPerMinute, 0.01...1),
        // Tension
        g("max_tension_slew_per_minute", \.maxTensionSlewPerMinute, 0.01...0.5),
        g("lead_tension_per_minute", \.leadTensionPerMinute, 0...0.5),
        g("calm_tension", \.calmTension, 0...0.5),
        g("unconfirmed_tension_drop", \.unconfirmedTensionDrop, 0...1),
        g("initial_tension", \.initialTension, 0...1),
        // Judging the listener
        g("fast_trend_seconds", \.fastTrendSeconds, 5...300),
        g("slow_trend_seconds", \.slowTrendSeconds, 30...1800),
        g("median_seconds", \.medianSeconds, 10...600),
        g("follow_ratio", \.followRatio, 1...2),
        g("follow_tolerance_breaths_per_minute", \.followToleranceBreathsPerMinute, 0...6),
        g("follow_lag_seconds", \.followLagSeconds, 0...300),
        g("follow_patience_seconds", \.followPatienceSeconds, 10...600),
        g("minimum_hold_seconds", \.minimumHoldSeconds, 10...900),
        g("resume_seconds", \.resumeSeconds, 5...600),
        g("activation_heart_rate_rise_bpm", \.activationHeartRateRiseBPM, 1...30),
        g("calmer_heart_rate_drop_bpm", \.calmerHeartRateDropBPM, 0.5...30),
        g("calmer_rmssd_rise_fraction", \.calmerRMSSDRiseFraction, 0.01...2),
        g("calmer_breathing_drop_fraction", \.calmerBreathingDropFraction, 0.01...0.8),
        g("calmer_confirm_seconds", \.calmerConfirmSeconds, 0...600),
        g("calmer_grace_seconds", \.calmerGraceSeconds, 0...600),
        // Trusting the data
        g("max_artifact_percent", \.maxArtifactPercent, 0...100),
        g("max_credit_seconds", \.maxCreditSeconds, 1...60),
    ]

    private static func g(
        _ name: String, _ field: any (WritableKeyPath<GuidanceConfiguration, Double> & Sendable),
        _ range: ClosedRange<Double>
    ) -> ConfigurationKey {
        // Composed key paths are not Sendable (only literals are inferred so, SE-0418), so the
        // guidance field is reached through the Sendable \.session.guidance and `field`.
        ConfigurationKey(
            path: "session.guidance." + name, type: .double, allowed: rangeText(range),
            store: { configuration, value in
                guard let double = value.double, range.contains(double) else { return false }
                configuration.session.guidance[keyPath: field] = double
                return true
            },
            render: { formatNumber($0.session.guidance[keyPath: field]) }
        )
    }
}
