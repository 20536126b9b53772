// SPDX-License-Identifier: Apache-2.0
import Foundation
import Guidance
import HRVCore
import Testing

/// Real recordings replayed open loop: the recording does not listen to the music, so this checks
/// what the controller does with real, unclean data (the bounds, the freezes, the soft end), not
/// that anyone calms down. The RR files are HRVCore's fixtures (see their README for provenance).
@Suite struct OpenLoopReplayTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../HRVCoreTests/Fixtures/rr").standardizedFileURL

    static func recording(_ name: String) throws -> [Double] {
        try RRText.parse(String(contentsOf: fixtures.appendingPathComponent(name + ".txt"), encoding: .utf8))
    }

    @Test(arguments: [
        "chf2db_chf208_excerpt_10min_artifacts", "ecg_rest_30min_piskorski_a", "polar_h10_slow_breathing_brennan",
    ])
    func boundsHoldAndTheSessionEndsSoftly(name: String) throws {
        let rows = ClosedLoopSession.replay(rrMilliseconds: try Self.recording(name), minutes: 20)
        let violations = SessionBounds().violations(rows)
        #expect(violations.isEmpty, "\(violations.prefix(5))")
        let last = try #require(rows.last)
        #expect(last.seconds == 1200 && last.target.phase == .close && last.target.envelopeGain == 0)
        // The music never moves on a beat the artifact filter flagged (outside the time-driven close).
        for (previous, row) in zip(rows, rows.dropFirst())
        where row.target.phase != .close && (row.snapshot.map { $0.flag != .ok } ?? false) {
            var unchanged = previous.target
            unchanged.freezeReason = row.target.freezeReason
            unchanged.envelopeGain = row.target.envelopeGain
            #expect(row.target == unchanged, "t=\(row.seconds)")
        }
    }

    /// A resting recording does not follow the guide: the controller holds instead of chasing it.
    @Test func aRestingRecordingThatDoesNotFollowIsHeld() throws {
        let rows = ClosedLoopSession.replay(rrMilliseconds: try Self.recording("ecg_rest_30min_piskorski_a"))
        #expect(rows.contains { $0.target.holdReason == .notFollowing })
    }
}
