// SPDX-License-Identifier: Apache-2.0

/// What happened in a session, as the journal's `events.kind` column names it: written by the
/// session runtime and the daemon, read by the report and the exports (README, "The journal").
public enum JournalEventKind: String, Sendable, CaseIterable {
    // The strap's link (a gap is strap_lost .. strap_back; failed reconnects are strap_retry).
    case strapConnected = "strap_connected", strapLost = "strap_lost", strapBack = "strap_back"
    case strapRetry = "strap_retry", strapFailed = "strap_failed", strapDevice = "strap_device"
    // The sound card and the render side.
    case deviceLost = "device_lost", deviceRetry = "device_retry", deviceBack = "device_back"
    case audioUnderruns = "audio_underruns"
    // The beats, the end, and the journal itself.
    case rrOutOfRange = "rr_out_of_range", userStop = "user_stop", complete, endedEarly = "ended_early", error
    case journalError = "journal_error", journalUnwritable = "journal_unwritable"
}

extension SessionRecorder {
    /// An event of one of the journal's kinds.
    public func event(seconds: Double, kind: JournalEventKind, detail: String? = nil) {
        event(seconds: seconds, kind: kind.rawValue, detail: detail)
    }
}
