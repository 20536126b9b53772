// SPDX-License-Identifier: Apache-2.0
public import HRVCore

/// The iso-principle controller: from each HRV snapshot and the session clock, what the music should
/// do next (`MusicTarget`). A pure value type: no clock, no I/O; time arrives with the data.
///
/// Per beat: `update(snapshot:sessionSeconds:)`. When no beat arrives (strap gap, reconnect), call
/// `update(sessionSeconds:signal: .gap)` as often as the music needs a target (once a second is
/// plenty): the lead freezes and the time-driven close still runs.
///
/// ```swift
/// var stream = HRVStream(configuration: .live)
/// var controller = IsoController(plannedSessionSeconds: 20 * 60)
/// for beat in beats {  // RRInterval, times on the session clock
///     let snapshot = stream.append(beat)
///     let target = controller.update(snapshot: snapshot, sessionSeconds: beat.beatTimeSeconds)
///     // tempo, loudness x envelopeGain, swell rate and depth, brightness -> the synthesiser
/// }
/// // ...and during a strap silence, once a second:
/// // let target = controller.update(sessionSeconds: now, signal: .gap)
/// ```
///
/// How it works, in three layers:
/// 1. **Aims**, per phase, from trusted data only (see `GuidanceConfiguration` for every number):
///    - *match*: tempo = their heart rate (a 60-s median, so an artifact burst does not set the
///      matched start), the match level, swell at their breathing rate (set once 120 s of breathing
///      estimates agree, see `anchorIfNeeded`).
///    - *lead*: tempo down at `leadTempoBPMPerMinute`, level down at `leadLoudnessLUPerMinute`, guide
///      at `guideStepFraction` of their current breathing rate but not below resonance (6/min).
///      Without evidence that they are calmer the tempo stops at `unconfirmedTempoDropFraction`
///      (keeping `calmerGraceSeconds` of pace in hand for when the evidence arrives).
///    - *hold*: nothing moves, except stepping back toward them: the guide up to `holdGuideFraction`
///      of their rate, and, when they are more activated, the tempo up toward their heart rate
///      (never above the matched start).
///    - *close*: time-driven, whatever the data: a slight ritardando (`closeTempoBPMPerMinute`, so
///      up to 2 BPM below where the lead stopped), softer, the swell fades out, then `envelopeGain`
///      ramps to 0 exactly at the planned end. A session shorter than match + close has no lead.
/// 2. **Judgement** (trusted snapshots; fast trend = 30 s, slow = 180 s exponential averages, RMSSD
///    and breathing rate through a 120-s median first, see `MedianWindow`):
///    - *following*: their fast-trend breathing rate is at most `followRatio` x the audible guide
///      (lagged by `followLagSeconds`), or at most `followToleranceBreathsPerMinute` above it.
///      Unknown while there is no breathing estimate (then it neither holds nor resumes by itself).
///    - *more activated*: HR rose `activationHeartRateRiseBPM` above its slow trend or the matched
///      start. RMSSD is not used here: a missed artifact inflates it for a minute, and the inflated
///      trend then reads as a drop.
///    - *calmer*: two of HR down, RMSSD up, breathing down, against the end of the match phase,
///      for `calmerConfirmSeconds` without a break.
///    Lead -> hold after `followPatienceSeconds` of not following, or at once when more activated.
///    Hold -> lead after at least `minimumHoldSeconds`, once they have followed, not activated, for
///    `resumeSeconds`.
/// 3. **Bounds** on every output: each field slews toward its aim no faster than its configured rate
///    over the time since the previous update, tempo never below `(1 - maxTempoDropFraction)` x the
///    matched start nor below `minimumTempoBPM`, the swell's peak never above `ceilingLoudnessLUFS`.
///
/// Trust: a snapshot whose flag is not `.ok`, without skin contact, without a heart rate, or whose
/// window is more than `maxArtifactPercent` flagged freezes the music (the output repeats, with
/// `freezeReason` set). The lead's clock advances only by time covered by trusted beats, at most
/// `maxCreditSeconds` per gap, so a single artifact is bridged while a long gap pauses the lead.
///
/// Open loop (a replayed recording, which does not listen): the breathing will not follow the guide,
/// so the controller holds after the patience, steps the guide back, retries after each hold, and the
/// tempo stops `unconfirmedTempoDropFraction` below the matched start unless the recording happens
/// to calm down by itself. All bounds hold whatever the data.
public struct IsoController: Sendable {
    public let configuration: GuidanceConfiguration
    /// The planned session length; the close phase is its last `closeSeconds`.
    public let plannedSessionSeconds: Double
    /// The latest output.
    public internal(set) var target: MusicTarget
    /// The matched start: the highest tempo of the match phase. Nil until the first heart rate.
    public internal(set) var matchedTempoBPM: Double?
    /// What the listener's state is judged against to match the tension (their baseline or norms).
    public let tensionReference: TensionReference
    /// The matched tension: where the match phase left it. Nil until the first heart rate.
    public internal(set) var matchedTension: Double?

    var aim: Aim
    var lastUpdateSeconds: Double?
    var lastTrustedSeconds: Double?
    var firstHeartRateSeconds: Double?
    var swellAnchored = false
    var trend: ListenerTrend
    /// The audible guide, lagged by `followLagSeconds`: what a follower's breathing estimate shows.
    var laggedGuide: ExponentialAverage
    var baseline = ListenerBaseline()
    var notFollowingSeconds: Double = 0
    var holdSeconds: Double = 0
    var resumeSeconds: Double = 0
    var calmerSeconds: Double = 0
    /// Lead progress held back at the unconfirmed cap (see `calmerGraceSeconds`).
    var tempoDebtBPM: Double = 0

    /// What each output field is heading for; outputs slew toward it within the bounds.
    struct Aim: Sendable {
        var tempoBPM: Double
        var loudnessLUFS: Double
        var guideBreathsPerMinute: Double
        var swellDepthLU: Double
        var brightness: Double
        var tension: Double
    }

    /// `tensionReference`: the client's own baseline when the journal has one (see `TensionReference`).
    public init(
        configuration: GuidanceConfiguration = .default, plannedSessionSeconds: Double,
        tensionReference: TensionReference = .population
    ) {
        self.configuration = configuration
        self.plannedSessionSeconds = plannedSessionSeconds
        self.tensionReference = tensionReference
        let loudness = min(configuration.matchLoudnessLUFS, configuration.ceilingLoudnessLUFS)
        aim = Aim(
            tempoBPM: configuration.initialTempoBPM, loudnessLUFS: loudness,
            guideBreathsPerMinute: configuration.initialGuideBreathsPerMinute, swellDepthLU: 0,
            brightness: configuration.matchBrightness, tension: configuration.initialTension)
        target = MusicTarget(
            tempoBPM: configuration.initialTempoBPM, loudnessLUFS: loudness,
            swellBreathsPerMinute: configuration.initialGuideBreathsPerMinute, swellDepthLU: 0,
            brightness: configuration.matchBrightness, envelopeGain: 0, phase: .match,
            freezeReason: .noData, tension: configuration.initialTension)
        laggedGuide = ExponentialAverage(timeConstantSeconds: configuration.followLagSeconds)
        trend = ListenerTrend(
            fastSeconds: configuration.fastTrendSeconds, slowSeconds: configuration.slowTrendSeconds,
            medianSeconds: configuration.medianSeconds)
    }

    /// The current phase (the same as `target.phase`).
    public var phase: GuidancePhase { target.phase }

    /// Feed one beat's snapshot; `sessionSeconds` is the session clock at that beat.
    public mutating func update(snapshot: HRVSnapshot, sessionSeconds: Double) -> MusicTarget {
        step(at: sessionSeconds, snapshot: snapshot, freezeReason: Self.distrust(snapshot, configuration))
    }

    /// Advance the clock without a beat (strap gap): the lead freezes, the close still runs.
    public mutating func update(sessionSeconds: Double, signal: GuidanceSignal) -> MusicTarget {
        switch signal {
        case .gap: step(at: sessionSeconds, snapshot: nil, freezeReason: .gap)
        }
    }

    /// Why a snapshot cannot move the music, or nil when it can.
    public static func distrust(_ snapshot: HRVSnapshot, _ configuration: GuidanceConfiguration) -> FreezeReason? {
        if !snapshot.beat.contact || snapshot.flag == .noContact { return .noContact }
        if snapshot.flag != .ok { return .artifact }
        if snapshot.artifactPercent > configuration.maxArtifactPercent { return .artifactBurden }
        if snapshot.heartRateBPM == nil { return .noData }
        return nil
    }

    private mutating func step(at seconds: Double, snapshot: HRVSnapshot?, freezeReason: FreezeReason?)
        -> MusicTarget
    {
        // Time never runs backwards for the controller; a repeated or older time moves nothing.
        let now = max(seconds, lastUpdateSeconds ?? seconds)
        let elapsed = now - (lastUpdateSeconds ?? now)
        lastUpdateSeconds = now
        advancePhaseBySchedule(at: now)

        if let snapshot, freezeReason == nil, let heartRate = snapshot.heartRateBPM {
            let credit = lastTrustedSeconds.map { min(now - $0, configuration.maxCreditSeconds) } ?? 0
            lastTrustedSeconds = now
            trend.add(
                heartRateBPM: heartRate, rmssdMilliseconds: snapshot.rmssdMilliseconds,
                breathsPerMinute: snapshot.breathingRatePerMinute, atSeconds: now, elapsedSeconds: credit)
            anchorIfNeeded(at: now)
            advanceAims(creditSeconds: credit)
        }
        if target.phase == .close {
            advanceCloseAims(elapsedSeconds: elapsed)
        }
        let moves = freezeReason == nil || target.phase == .close
        emit(at: now, elapsedSeconds: moves ? elapsed : 0, freezeReason: freezeReason)
        return target
    }

    private mutating func advancePhaseBySchedule(at seconds: Double) {
        if target.phase != .close, seconds >= plannedSessionSeconds - configuration.closeSeconds {
            target.phase = .close
            target.holdReason = nil
        } else if target.phase == .match, seconds >= configuration.matchSeconds, matchedTempoBPM != nil {
            target.phase = .lead
            // Medians, not averages: an artifact episode in the match phase must not set the
            // reference that "calmer" is measured from.
            baseline = ListenerBaseline(
                heartRateBPM: trend.slowHeartRateBPM.value, rmssdMilliseconds: trend.rmssd.window.median,
                breathsPerMinute: trend.breathing.window.median)
            aim.tempoBPM = target.tempoBPM
            aim.loudnessLUFS = target.loudnessLUFS
            aim.tension = target.tension
        }
    }

    /// The first heart rate sets the tempo outright (the envelope is still 0, nothing is heard). The
    /// swell rate is set outright (its depth is still 0) once the breathing median window is full,
    /// so early estimates, the least reliable, cannot anchor it alone.
    private mutating func anchorIfNeeded(at seconds: Double) {
        if matchedTempoBPM == nil, let heartRate = trend.fastHeartRateBPM.value {
            let tempo = clampedMatchedTempo(heartRate)
            aim.tempoBPM = tempo
            target.tempoBPM = tempo
            matchedTempoBPM = tempo
            firstHeartRateSeconds = seconds
            // Nothing is heard yet either: the tension starts where the first heart rate puts it.
            if let tension = listenerTension() {
                aim.tension = tension
                target.tension = tension
                matchedTension = tension
            }
        }
        if !swellAnchored, trend.breathing.window.isFull, let breaths = trend.breathing.window.median {
            aim.guideBreathsPerMinute = breaths
            target.swellBreathsPerMinute = breaths
            swellAnchored = true
        }
    }

    /// The listener's tension now, from the match phase's medians (heart rate, RMSSD, breathing)
    /// against `tensionReference`.
    func listenerTension() -> Double? {
        tensionReference.tension(
            heartRateBPM: trend.heartRateMedian.median ?? trend.fastHeartRateBPM.value,
            rmssdMilliseconds: trend.rmssd.window.median, breathsPerMinute: trend.breathing.window.median,
            calmTension: configuration.calmTension)
    }

    func clampedMatchedTempo(_ heartRateBPM: Double) -> Double {
        min(max(heartRateBPM, configuration.minimumMatchedTempoBPM), configuration.maximumMatchedTempoBPM)
    }

    /// The lowest tempo the bounds allow now.
    var tempoFloorBPM: Double {
        max((matchedTempoBPM ?? 0) * (1 - configuration.maxTempoDropFraction), configuration.minimumTempoBPM)
    }
}
