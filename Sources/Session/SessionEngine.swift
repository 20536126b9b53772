// SPDX-License-Identifier: Apache-2.0
public import Assessment
public import Guidance
public import HRVCore

/// One beat's worth of session state: what the live display, the JSON lines, the audio and the
/// journal read.
public struct SessionState: Sendable, Equatable {
    /// Session time of the beat just received, seconds.
    public var seconds: Double
    public var beat: RRInterval
    /// The verdict on the beat just received as far as it is known now: `noContact` when the
    /// strap said so, otherwise `ok` until the artifact filter decides (6 beats later).
    public var flag: BeatFlag
    /// The HRV state after this beat (its `flag` is the verdict on the beat decided at this step).
    public var snapshot: HRVSnapshot
    public var target: MusicTarget
    /// During a resonance assessment: its settle period or step; nil in a session.
    public var assessment: AssessmentPosition? = nil
}

/// The guided session as a pure state machine: beats (or gaps) in, HRV snapshot and music target
/// out, plus the running summary. No clock, no I/O: the caller says what time it is.
public struct SessionEngine: Sendable {
    public let plannedSeconds: Double
    private var stream: HRVStream
    private var controller: IsoController
    /// Set in a resonance assessment, which then sets the music instead of the iso controller.
    private var assessor: AssessmentController?
    private var summary: SummaryAccumulator
    public private(set) var target: MusicTarget

    /// `tensionReference`: the listener's calm, to match the music's tension against (the client's
    /// own baseline from the journal, else population norms).
    public init(
        plannedSeconds: Double, guidance: GuidanceConfiguration = .default,
        hrv: HRVStream.Configuration = .live, tensionReference: TensionReference = .population
    ) {
        self.plannedSeconds = plannedSeconds
        stream = HRVStream(configuration: hrv)
        stream.keepsDecisions = true
        controller = IsoController(
            configuration: guidance, plannedSessionSeconds: plannedSeconds, tensionReference: tensionReference)
        summary = SummaryAccumulator(plannedSeconds: plannedSeconds)
        target = controller.target
    }

    /// A resonance assessment (see `AssessmentController`): its longest length is the plan.
    public init(
        assessment: AssessmentProtocol, guidance: GuidanceConfiguration = .default, hrv: HRVStream.Configuration = .live
    ) {
        self.init(plannedSeconds: assessment.longestSeconds, guidance: guidance, hrv: hrv)
        assessor = AssessmentController(protocol: assessment, guidance: guidance)
        target = assessor!.target
    }

    /// Where the assessment is; nil in a session.
    public var assessment: AssessmentPosition? { assessor?.position }
    /// True once every step of an assessment is done (never in a session).
    public var assessmentComplete: Bool { assessor?.isComplete ?? false }
    /// The pacer's breath phase during an assessment (radians, π/2 at full inhalation).
    public var guidePhaseRadians: Double? { assessor.map(\.guidePhaseRadians) }

    /// Ends an assessment and returns its result; nil in a session.
    public mutating func finishAssessment() -> ResonanceResult? { assessor?.finish() }

    /// The matched start tempo (nil until the first heart rate).
    public var matchedTempoBPM: Double? { controller.matchedTempoBPM }
    /// The matched start tension (nil until the first heart rate, and in an assessment).
    public var matchedTension: Double? { assessor == nil ? controller.matchedTension : nil }
    /// What the tension was matched against.
    public var tensionReference: TensionReference { controller.tensionReference }

    /// Feeds the beat received at `beat.beatTimeSeconds` (session clock).
    public mutating func receive(_ beat: RRInterval) -> SessionState {
        let snapshot = stream.append(beat)
        if assessor != nil {
            target = assessor!.update(beat: beat, snapshot: snapshot, sessionSeconds: beat.beatTimeSeconds)
        } else {
            target = controller.update(snapshot: snapshot, sessionSeconds: beat.beatTimeSeconds)
        }
        summary.add(beat: beat, snapshot: snapshot, target: target)
        return SessionState(
            seconds: beat.beatTimeSeconds, beat: beat, flag: beat.contact ? .ok : .noContact, snapshot: snapshot,
            target: target, assessment: assessor?.position)
    }

    /// Advances the clock without a beat (the strap is silent or lost): the lead freezes, the close
    /// still runs. The silence is counted as a strap gap from `since` (the last beat's time).
    public mutating func silence(at seconds: Double) -> MusicTarget {
        if assessor != nil {
            target = assessor!.update(sessionSeconds: seconds)
        } else {
            target = controller.update(sessionSeconds: seconds, signal: .gap)
        }
        summary.silence(at: seconds)
        return target
    }

    /// Records that the strap link dropped (a gap starts) or came back.
    public mutating func strapLost(at seconds: Double) { summary.strapLost(at: seconds) }
    public mutating func strapBack(at seconds: Double) { summary.strapBack(at: seconds) }

    /// The artifact filter's verdicts on the beats received so far (each beat's once, in order).
    public mutating func takeDecisions() -> [ArtifactDecision] { stream.takeDecisions() }

    /// No more beats: the filter decides the last ones; their verdicts.
    public mutating func finishBeats() -> [ArtifactDecision] {
        _ = stream.finish()
        return stream.takeDecisions()
    }

    /// Ends the session at `seconds` and returns the summary.
    public mutating func finish(at seconds: Double, endedEarly: Bool) -> SessionSummary {
        return summary.summary(
            endSeconds: seconds, endedEarly: endedEarly, matchedTempoBPM: controller.matchedTempoBPM,
            matchedTension: matchedTension, tensionReference: assessor == nil ? controller.tensionReference : nil)
    }
}
