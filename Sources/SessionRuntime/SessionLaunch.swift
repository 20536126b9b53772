// SPDX-License-Identifier: Apache-2.0
import BluetoothLinux
import Foundation
package import Session
package import Guidance
package import SessionStore
package import SynthCore

/// What `lull session` and `lull assess` do around a session: open the journal and the session's
/// row, find where the guide aims, and keep a session's end that the journal could not take.
package enum SessionLaunch {
    /// Opens the journal at `path` and creates the session's row (outcome `running`); a failed
    /// write later in the session is one line on stderr and the music goes on. Any failure to
    /// start is one line naming the file.
    package static func startRecording(
        path: String, client: String?, source: String, plan: SessionPlan, settings: String
    ) throws(SessionRunError) -> (database: SessionDatabase, recorder: SessionRecorder) {
        do {
            let database = try SessionDatabase(path: path)
            let recorder = SessionRecorder(database: database) { line in
                FileHandle.standardError.write(Data("lull: \(line)\n".utf8))
            }
            var strap: String?
            if case .strap(let target) = plan.source { strap = target.description }
            _ = try recorder.start(client: client, source: source, strap: strap, settings: settings)
            return (database, recorder)
        } catch {
            throw SessionRunError("\(error)")
        }
    }

    /// Where the guide aims: `resonance` (--resonance), else the client's latest assessment in the
    /// journal at `journalPath` (when it exists), else 6/min.
    package static func guideTarget(resonance: Double?, client: String?, journalPath: String?) throws(SessionRunError)
        -> GuideTarget
    {
        if let resonance { return GuideTarget(breathsPerMinute: resonance, source: .flag) }
        let fallback = GuideTarget(breathsPerMinute: GuidanceConfiguration.default.resonanceBreathsPerMinute, source: .default)
        guard let client, let path = journalPath, FileManager.default.fileExists(atPath: path) else { return fallback }
        do {
            guard let latest = try SessionDatabase(path: path).latestResonance(client: client) else { return fallback }
            let bounded = min(max(latest.breathsPerMinute, GuideTarget.bounds.lowerBound), GuideTarget.bounds.upperBound)
            return GuideTarget(breathsPerMinute: bounded, source: .assessment, assessmentID: latest.assessmentID)
        } catch {
            throw SessionRunError("\(error)")
        }
    }

    /// What the music's tension is matched against: the client's settled baseline from the journal
    /// (`SessionDatabase.settledBaseline`) when they have one, else population norms.
    package static func tensionReference(client: String?, journal: SessionDatabase?) throws(SessionRunError)
        -> TensionReference
    {
        guard let client, let journal else { return .population }
        do {
            guard let settled = try journal.settledBaseline(client: client) else { return .population }
            return .client(
                heartRateBPM: settled.heartRateBPM, rmssdMilliseconds: settled.rmssdMilliseconds,
                breathsPerMinute: settled.breathsPerMinute, sessions: settled.sessions)
        } catch {
            throw SessionRunError("\(error)")
        }
    }

    /// The same, from the journal at `journalPath` if there is one (read even with --no-record).
    package static func tensionReference(client: String?, journalPath: String?) throws(SessionRunError)
        -> TensionReference
    {
        guard client != nil, let path = journalPath, FileManager.default.fileExists(atPath: path) else { return .population }
        let journal: SessionDatabase
        do { journal = try SessionDatabase(path: path) } catch { throw SessionRunError("\(error)") }
        return try tensionReference(client: client, journal: journal)
    }

    /// The palette of a session: the one asked for, else the client's last choice from the journal
    /// (a name the journal holds that this build does not know is passed over), else `fallback`.
    package static func palette(
        chosen: Palette?, client: String?, journal: SessionDatabase?, fallback: Palette = .default
    ) throws(SessionRunError) -> Palette {
        if let chosen { return chosen }
        guard let client, let journal else { return fallback }
        do {
            return try journal.lastPalette(client: client).flatMap(Palette.init(named:)) ?? fallback
        } catch {
            throw SessionRunError("\(error)")
        }
    }

    /// The same, from the journal at `journalPath` if there is one (read even with --no-record).
    package static func palette(chosen: Palette?, client: String?, journalPath: String?) throws(SessionRunError)
        -> Palette
    {
        if let chosen { return chosen }
        guard client != nil, let path = journalPath, FileManager.default.fileExists(atPath: path) else { return .default }
        let journal: SessionDatabase
        do { journal = try SessionDatabase(path: path) } catch { throw SessionRunError("\(error)") }
        return try palette(chosen: nil, client: client, journal: journal)
    }

    /// The journal could not take the session's end (a full disk): it is kept in memory and
    /// written, the session closed as interrupted, as soon as the journal takes it. Ctrl-C or
    /// SIGTERM leaves it to the next opening's crash recovery instead.
    package static func waitForJournal(_ recorder: SessionRecorder) async {
        guard recorder.awaitingClose else { return }
        FileHandle.standardError.write(
            Data(("lull: the session journal cannot be written (\(recorder.writeError ?? "?")); the session's end is "
                + "kept until it can be (Ctrl-C leaves it to the next start's crash recovery)\n").utf8))
        let giveUp = StopRequest()
        let signals = SignalStop.install { giveUp.request() }
        defer { _ = signals }
        while !recorder.retryClose() && !giveUp.isRequested {
            // Suspended, not sleeping on a thread: the wait holds none of the cooperative pool's.
            for _ in 0..<5 where !giveUp.isRequested { try? await Task.sleep(for: .milliseconds(200)) }
        }
    }
}
