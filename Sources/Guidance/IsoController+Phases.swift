// SPDX-License-Identifier: Apache-2.0

/// The per-phase aims, the judgement of the listener, and the bounded outputs.
extension IsoController {
    /// What the judgement concluded from the trends on this trusted beat.
    struct Judgement: Sendable, Equatable {
        /// Nil when there is no breathing estimate or no audible guide to follow yet.
        var following: Bool?
        var activated: Bool
        var calmer: Bool
    }

    func judge() -> Judgement {
        let c = configuration
        var following: Bool?
        if swellAnchored, let breaths = trend.fastBreathsPerMinute {
            let guide = laggedGuide.value ?? target.swellBreathsPerMinute
            following = breaths <= max(guide * c.followRatio, guide + c.followToleranceBreathsPerMinute)
        }
        var activated = false
        if let fast = trend.fastHeartRateBPM.value, let slow = trend.slowHeartRateBPM.value {
            activated = fast - slow >= c.activationHeartRateRiseBPM
            if let start = baseline.heartRateBPM, fast - start >= c.activationHeartRateRiseBPM { activated = true }
        }
        // Calmer needs two concordant signs, so that noise in one measure cannot carry the tempo past
        // `unconfirmedTempoDropFraction`.
        var signs = 0
        if let now = trend.fastHeartRateBPM.value, let start = baseline.heartRateBPM,
            now <= start - c.calmerHeartRateDropBPM
        {
            signs += 1
        }
        if let now = trend.fastRMSSDMilliseconds, let start = baseline.rmssdMilliseconds,
            now >= start * (1 + c.calmerRMSSDRiseFraction)
        {
            signs += 1
        }
        if let now = trend.fastBreathsPerMinute, let start = baseline.breathsPerMinute,
            now <= start * (1 - c.calmerBreathingDropFraction)
        {
            signs += 1
        }
        return Judgement(following: following, activated: activated, calmer: signs >= 2)
    }

    /// Advances the aims by `creditSeconds` of trusted time (match, lead, hold).
    mutating func advanceAims(creditSeconds credit: Double) {
        let c = configuration
        let minutes = credit / 60
        switch target.phase {
        case .match:
            if let heartRate = trend.heartRateMedian.median ?? trend.fastHeartRateBPM.value {
                aim.tempoBPM = clampedMatchedTempo(heartRate)
            }
            aim.loudnessLUFS = c.matchLoudnessLUFS
            if swellAnchored, let breaths = trend.fastBreathsPerMinute { aim.guideBreathsPerMinute = breaths }
            aim.swellDepthLU = swellAnchored ? c.matchSwellDepthLU : 0
            aim.brightness = c.matchBrightness
            if let tension = listenerTension() { aim.tension = tension }
        case .lead:
            let judgement = judge()
            calmerSeconds = judgement.calmer ? calmerSeconds + credit : 0
            if judgement.activated {
                enterHold(.activated)
            } else if judgement.following == false {
                notFollowingSeconds += credit
                if notFollowingSeconds >= c.followPatienceSeconds { enterHold(.notFollowing) }
            } else if judgement.following == true {
                notFollowingSeconds = 0
            }
            guard target.phase == .lead else { return }
            let matched = matchedTempoBPM ?? aim.tempoBPM
            let calmer = calmerSeconds >= c.calmerConfirmSeconds
            let allowedDrop = calmer ? c.maxTempoDropFraction : c.unconfirmedTempoDropFraction
            let leadFloor = matched * (1 - allowedDrop)
            // Only ever lowers the aim here: losing the evidence of calm stops the lead, it does not
            // push the tempo back up (that is hold's step back, and only when activated).
            let step = c.leadTempoBPMPerMinute * minutes
            if aim.tempoBPM > leadFloor {
                aim.tempoBPM = max(leadFloor, aim.tempoBPM - step - tempoDebtBPM)
                tempoDebtBPM = 0
            } else if !calmer {
                // Waiting at the cap for the evidence: keep up to `calmerGraceSeconds` of the lead's
                // pace in hand, so calm confirmed a few seconds later (a noisier estimate crossing its
                // threshold later) leaves the same trajectory once the tempo has caught up.
                tempoDebtBPM = min(tempoDebtBPM + step, c.leadTempoBPMPerMinute * c.calmerGraceSeconds / 60)
            }
            if aim.loudnessLUFS > c.leadLoudnessLUFS {
                aim.loudnessLUFS = max(c.leadLoudnessLUFS, aim.loudnessLUFS - c.leadLoudnessLUPerMinute * minutes)
            }
            if swellAnchored, let breaths = trend.fastBreathsPerMinute {
                aim.guideBreathsPerMinute = max(c.resonanceBreathsPerMinute, c.guideStepFraction * breaths)
            }
            aim.swellDepthLU = swellAnchored ? c.leadSwellDepthLU : 0
            aim.brightness = c.leadBrightness
            // Tension leads down like the tempo: at its own pace, and without evidence of calm no
            // further than `unconfirmedTensionDrop` below the matched tension.
            let matchedTension = self.matchedTension ?? aim.tension
            let tensionFloor = calmer
                ? c.calmTension : max(c.calmTension, matchedTension - c.unconfirmedTensionDrop)
            if aim.tension > tensionFloor {
                aim.tension = max(tensionFloor, aim.tension - c.leadTensionPerMinute * minutes)
            }
        case .hold:
            let judgement = judge()
            calmerSeconds = judgement.calmer ? calmerSeconds + credit : 0
            holdSeconds += credit
            // Step back toward them: the guide within easier reach, and when they are more activated
            // the tempo back up toward their heart rate, never above the matched start.
            if swellAnchored, let breaths = trend.fastBreathsPerMinute {
                aim.guideBreathsPerMinute = max(aim.guideBreathsPerMinute, c.holdGuideFraction * breaths)
            }
            if judgement.activated, let heartRate = trend.fastHeartRateBPM.value, heartRate > aim.tempoBPM {
                let ceiling = min(heartRate, matchedTempoBPM ?? heartRate)
                aim.tempoBPM = max(aim.tempoBPM, min(ceiling, aim.tempoBPM + c.leadTempoBPMPerMinute * minutes))
            }
            // ...and the tension back up toward theirs, never above the matched start.
            if judgement.activated, let theirs = listenerTension(), theirs > aim.tension {
                let ceiling = min(theirs, matchedTension ?? theirs)
                aim.tension = max(aim.tension, min(ceiling, aim.tension + c.leadTensionPerMinute * minutes))
            }
            let settled = !judgement.activated && judgement.following != false
            resumeSeconds = settled ? resumeSeconds + credit : 0
            if holdSeconds >= c.minimumHoldSeconds, resumeSeconds >= c.resumeSeconds {
                target.phase = .lead
                target.holdReason = nil
                notFollowingSeconds = 0
            }
        case .close:
            break
        }
    }

    mutating func enterHold(_ reason: HoldReason) {
        tempoDebtBPM = 0
        target.phase = .hold
        target.holdReason = reason
        holdSeconds = 0
        resumeSeconds = 0
        notFollowingSeconds = 0
    }

    /// The close phase is driven by the clock alone, so a session ends softly and on time even
    /// through a strap gap.
    mutating func advanceCloseAims(elapsedSeconds: Double) {
        let c = configuration
        aim.tempoBPM -= c.closeTempoBPMPerMinute * elapsedSeconds / 60
        aim.loudnessLUFS = min(aim.loudnessLUFS, c.closeLoudnessLUFS)
        aim.swellDepthLU = 0
        aim.brightness = c.closeBrightness
        aim.tension = max(c.calmTension, aim.tension - c.leadTensionPerMinute * elapsedSeconds / 60)
    }

    /// Moves every output toward its aim within its bound over `elapsedSeconds` (0 when frozen).
    mutating func emit(at seconds: Double, elapsedSeconds: Double, freezeReason: FreezeReason?) {
        let c = configuration
        let minutes = elapsedSeconds / 60
        if matchedTempoBPM != nil {
            aim.tempoBPM = min(max(aim.tempoBPM, tempoFloorBPM), c.maximumMatchedTempoBPM)
        }
        target.tempoBPM = Self.slew(target.tempoBPM, toward: aim.tempoBPM, by: c.maxTempoSlewBPMPerMinute * minutes)
        target.swellDepthLU = Self.slew(
            target.swellDepthLU, toward: max(0, aim.swellDepthLU), by: c.maxSwellDepthSlewLUPerMinute * minutes)
        // The ceiling bounds the swell's peak; the depth yields if the level cannot.
        let loudnessAim = min(aim.loudnessLUFS, c.ceilingLoudnessLUFS - target.swellDepthLU / 2)
        target.loudnessLUFS = Self.slew(
            target.loudnessLUFS, toward: loudnessAim, by: c.maxLoudnessSlewLUPerMinute * minutes)
        target.swellDepthLU = max(0, min(target.swellDepthLU, 2 * (c.ceilingLoudnessLUFS - target.loudnessLUFS)))
        target.swellBreathsPerMinute = Self.slew(
            target.swellBreathsPerMinute, toward: aim.guideBreathsPerMinute,
            by: c.maxGuideSlewBreathsPerMinutePerMinute * minutes)
        if swellAnchored { laggedGuide.add(target.swellBreathsPerMinute, elapsedSeconds: elapsedSeconds) }
        target.brightness = Self.slew(
            target.brightness, toward: min(max(aim.brightness, 0), 1), by: c.maxBrightnessSlewPerMinute * minutes)
        target.tension = Self.slew(
            target.tension, toward: min(max(aim.tension, 0), 1), by: c.maxTensionSlewPerMinute * minutes)
        if target.phase == .match, let matched = matchedTempoBPM {
            matchedTempoBPM = max(matched, target.tempoBPM)
            // The tension met as the match ends, not its highest: the first estimates rest on the
            // heart rate alone (RMSSD and breathing need a minute or two), the least reliable.
            matchedTension = target.tension
        }
        target.envelopeGain = envelopeGain(at: seconds)
        target.freezeReason = freezeReason
    }

    /// Linear fade-in after the first heart rate, linear fade-out ending at the planned length.
    func envelopeGain(at seconds: Double) -> Double {
        guard let start = firstHeartRateSeconds else { return 0 }
        let c = configuration
        let fadeIn = c.fadeInSeconds > 0 ? (seconds - start) / c.fadeInSeconds : 1
        let fadeOut = c.fadeOutSeconds > 0 ? (plannedSessionSeconds - seconds) / c.fadeOutSeconds : 1
        return min(max(min(fadeIn, fadeOut), 0), 1)
    }

    static func slew(_ current: Double, toward aim: Double, by maxStep: Double) -> Double {
        current + min(max(aim - current, -maxStep), maxStep)
    }
}
