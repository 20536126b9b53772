// SPDX-License-Identifier: Apache-2.0

/// Where a session's guide aims (its resonance target), and why there.
public struct GuideTarget: Equatable, Sendable {
    public enum Source: String, Sendable {
        /// The client's latest resonance assessment.
        case assessment
        /// `--resonance RATE` on the command line.
        case flag
        /// The configuration's `guidance.resonance_breaths_per_minute`.
        case configuration
        /// Nothing said otherwise: 6/min.
        case `default`

        public var words: String {
            switch self {
            case .assessment: "the client's resonance assessment"
            case .flag: "--resonance"
            case .configuration: "the configuration"
            case .default: "the default"
            }
        }
    }

    public var breathsPerMinute: Double
    public var source: Source
    /// The assessment it came from.
    public var assessmentID: Int64?

    /// Assessed rates are used within these bounds (Lehrer et al. 2000 found adults between 4.5 and
    /// 6.5/min; a little room either side, never a pace that is hard to breathe).
    public static let bounds: ClosedRange<Double> = 4.0...7.0

    public init(breathsPerMinute: Double, source: Source, assessmentID: Int64? = nil) {
        self.breathsPerMinute = breathsPerMinute
        self.source = source
        self.assessmentID = assessmentID
    }
}
