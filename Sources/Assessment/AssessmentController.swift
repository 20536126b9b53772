// SPDX-License-Identifier: Apache-2.0
public import Guidance
public import HRVCore

/// Where an assessment is: what the live display, the JSON lines and the daemon show.
public struct AssessmentPosition: Sendable, Equatable {
    public enum Phase: String, Sendable {
        case settle
        case step
    }

    public var phase: Phase
    /// Index into the protocol's rates (and the result's steps) during a step.
    public var stepIndex: Int?
    /// The paced rate of the current step.
    public var breathsPerMinute: Double?
    /// 1, or 2 while a step is breathed again.
    public var attempt: Int
    /// Time left in the settle period or the step.
    public var secondsLeft: Double
    public var stepCount: Int
}

/// The assessment as a state machine: beats (or gaps) in, the music target out, and at the end the
/// result. A pure value: no clock, no I/O; time arrives with the data.
///
/// The music is held calm and steady the whole time: the tempo matched once to their heart rate (as
/// a session's match phase does) and then held, the match level and brightness, no tempo or tension
/// lead. In the settle period the swell is off (they breathe at their own rate); in each step it
/// paces exactly the step's rate (no 75 % lead, no slew), its phase continuous from step to step.
public struct AssessmentController: Sendable {
    public let protocolSettings: AssessmentProtocol
    public let guidance: GuidanceConfiguration
    public private(set) var target: MusicTarget
    /// The guide's breath phase (radians; π/2 is full inhalation, the swell's loudest point).
    public private(set) var guidePhaseRadians: Double = 0

    var beats: [AssessedBeat] = []
    var filter = ArtifactFilter(lookaheadBeats: ArtifactFilter.minimumLookaheadBeats, correction: .sequential)
    var lastSeconds: Double?
    var firstHeartRateSeconds: Double?
    /// Steps still to breathe, in order: (index into the rates, attempt).
    var schedule: [(index: Int, attempt: Int)]
    var current: (index: Int, attempt: Int, startSeconds: Double, guidePhaseAtStart: Double)?
    var settleEndSeconds: Double
    var finished: [Int: StepMetrics] = [:]
    /// The windows of the steps whose analysis waits for the filter's last verdicts.
    var windows: [Int: (StepAnalysis.Window, Int)] = [:]
    public private(set) var isComplete = false
    /// The step closed last (what the position shows once the assessment is complete).
    var lastStep: (index: Int, attempt: Int)?

    public init(protocol p: AssessmentProtocol = .default, guidance: GuidanceConfiguration = .default) {
        protocolSettings = p
        self.guidance = guidance
        schedule = p.ratesBreathsPerMinute.indices.map { ($0, 1) }
        settleEndSeconds = p.settleSeconds
        target = MusicTarget(
            tempoBPM: guidance.initialTempoBPM, loudnessLUFS: min(guidance.matchLoudnessLUFS, guidance.ceilingLoudnessLUFS),
            swellBreathsPerMinute: guidance.initialGuideBreathsPerMinute, swellDepthLU: 0,
            brightness: guidance.matchBrightness, envelopeGain: 0, phase: .match, freezeReason: .noData)
    }

    public var position: AssessmentPosition {
        let p = protocolSettings
        if isComplete, let last = lastStep {
            return AssessmentPosition(
                phase: .step, stepIndex: last.index, breathsPerMinute: p.ratesBreathsPerMinute[last.index],
                attempt: last.attempt, secondsLeft: 0, stepCount: p.ratesBreathsPerMinute.count)
        }
        guard let current else {
            return AssessmentPosition(
                phase: .settle, stepIndex: nil, breathsPerMinute: nil, attempt: 1,
                secondsLeft: max(0, settleEndSeconds - (lastSeconds ?? 0)), stepCount: p.ratesBreathsPerMinute.count)
        }
        return AssessmentPosition(
            phase: .step, stepIndex: current.index, breathsPerMinute: p.ratesBreathsPerMinute[current.index],
            attempt: current.attempt,
            secondsLeft: max(0, current.startSeconds + p.stepSeconds - (lastSeconds ?? 0)),
            stepCount: p.ratesBreathsPerMinute.count)
    }

    /// One beat and the HRV snapshot it produced, at `seconds` on the session clock.
    public mutating func update(beat: RRInterval, snapshot: HRVSnapshot, sessionSeconds seconds: Double) -> MusicTarget {
        beats.append(AssessedBeat(seconds: beat.beatTimeSeconds, rrMilliseconds: beat.milliseconds, flagged: !beat.contact))
        filter.append(beat)
        takeDecisions()
        if firstHeartRateSeconds == nil, let heartRate = snapshot.heartRateBPM, beat.contact {
            firstHeartRateSeconds = seconds
            target.tempoBPM = min(max(heartRate, guidance.minimumMatchedTempoBPM), guidance.maximumMatchedTempoBPM)
        }
        advance(to: seconds)
        target.freezeReason = IsoController.distrust(snapshot, guidance)
        return target
    }

    /// The clock moved without a beat (the strap is silent): the steps run on.
    public mutating func update(sessionSeconds seconds: Double) -> MusicTarget {
        advance(to: seconds)
        target.freezeReason = .gap
        return target
    }

    /// Ends the assessment (its steps done, or the data ended) and returns the result. Steps never
    /// reached count as unusable.
    public mutating func finish() -> ResonanceResult {
        filter.finish()
        takeDecisions()
        if let current, !isComplete {
            let end = lastSeconds ?? current.startSeconds
            closeStep(at: end, partial: true)
        }
        isComplete = true
        for (index, (window, attempts)) in windows {
            finished[index] = StepAnalysis.analyse(beats[...], window, protocol: protocolSettings, attempts: attempts)
        }
        let steps = protocolSettings.ratesBreathsPerMinute.indices.map { index in
            finished[index]
                ?? StepMetrics(
                    breathsPerMinute: protocolSettings.ratesBreathsPerMinute[index], peakTroughBPM: nil,
                    lfPeakMs2: nil, lfMs2: nil, peakHz: nil, rmssdMilliseconds: nil, coherence: nil,
                    phaseDegrees: nil, artifactPercent: 100, usable: false, followed: false, attempts: 0)
        }
        return ResonanceChoice.choose(steps, protocol: protocolSettings)
    }

    // MARK: The schedule

    mutating func advance(to seconds: Double) {
        let now = max(seconds, lastSeconds ?? seconds)
        let elapsed = now - (lastSeconds ?? now)
        lastSeconds = now
        guard !isComplete else { return }
        let p = protocolSettings
        if let current {
            guidePhaseRadians += 2 * Double.pi * p.ratesBreathsPerMinute[current.index] / 60 * elapsed
            guidePhaseRadians = guidePhaseRadians.truncatingRemainder(dividingBy: 2 * Double.pi)
        }
        if current == nil, now >= settleEndSeconds { startNextStep(at: settleEndSeconds) }
        while let step = current, now >= step.startSeconds + p.stepSeconds {
            closeStep(at: step.startSeconds + p.stepSeconds, partial: false)
            if !isComplete { startNextStep(at: step.startSeconds + p.stepSeconds) }
        }
        if let first = firstHeartRateSeconds {
            target.envelopeGain = min(1, max(0, (now - first) / guidance.fadeInSeconds))
        }
    }

    mutating func startNextStep(at seconds: Double) {
        guard !schedule.isEmpty else {
            isComplete = true
            current = nil
            return
        }
        let next = schedule.removeFirst()
        current = (next.index, next.attempt, seconds, guidePhaseRadians)
        target.swellBreathsPerMinute = protocolSettings.ratesBreathsPerMinute[next.index]
        target.swellDepthLU = protocolSettings.swellDepthLU
    }

    /// Ends the current step at `end`: a step with too little clean data goes back in the schedule
    /// once; the analysis itself waits for `finish` (the filter's verdicts on its last beats).
    mutating func closeStep(at end: Double, partial: Bool) {
        guard let step = current else { return }
        let p = protocolSettings
        let window = StepAnalysis.Window(
            startSeconds: min(end, step.startSeconds + p.transientSeconds), endSeconds: end,
            breathsPerMinute: p.ratesBreathsPerMinute[step.index],
            guidePhaseAtStart: step.guidePhaseAtStart + 2 * Double.pi * p.ratesBreathsPerMinute[step.index] / 60
                * min(end - step.startSeconds, p.transientSeconds))
        let quality = StepAnalysis.quality(beats[...], window)
        let good = quality.clean >= p.minimumCleanFraction && quality.artifactPercent <= p.maximumArtifactPercent
        if !good, !partial, p.repeatUnusableSteps, step.attempt == 1 {
            schedule.insert((step.index, 2), at: 0)
        } else {
            windows[step.index] = (window, step.attempt)
        }
        current = nil
        lastStep = (step.index, step.attempt)
        if schedule.isEmpty && !partial { isComplete = true }
    }

    mutating func takeDecisions() {
        while let decision = filter.nextDecision() {
            guard decision.flag != .ok else { continue }
            let t = decision.beat.beatTimeSeconds
            if let i = beats.lastIndex(where: { $0.seconds == t }) { beats[i].flagged = true }
        }
    }
}
