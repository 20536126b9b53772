// SPDX-License-Identifier: Apache-2.0
import LullWire
import SessionRuntime
import ControlClient
import HeartSources
import Foundation
import Logging
import ServiceLifecycle
import SessionStore
import SynthCore
import SystemdSupport

/// `WATCHDOG=1` at half systemd's interval, but only while the daemon is healthy (sd_watchdog_enabled(3)):
/// idle, the event loop is alive (this task runs); in a session, the session loop has reported within
/// the last few seconds AND the audio render position has moved since the last ping. A render thread
/// stuck in a device write, or a session loop that hangs, stops the pings, and systemd restarts Lull.
struct WatchdogService: Service {
    let notifier: SystemdNotifier?
    let state: DaemonState
    let logger: Logger
    /// The longest a healthy session loop goes without a beat or a strap-silence tick (one a second
    /// while the strap is silent; a beat at 40 bpm is 1.5 s).
    static let sessionLoopStallSeconds = 5.0

    func run() async throws {
        guard let notifier, let every = notifier.watchdogPingInterval else {
            try? await gracefulShutdown()
            return
        }
        var lastFrames: UInt64?
        var wasHealthy = true
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            // A stop must not wait out the rest of the interval (up to 15 s with WatchdogSec=30).
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: every) }
            let (healthy, frames) = Self.health(state.snapshot, lastFrames: lastFrames, now: .now)
            lastFrames = frames
            if healthy { _ = notifier.watchdog() }
            if healthy != wasHealthy {
                if healthy {
                    logger.notice("healthy again: watchdog pings resume")
                } else {
                    logger.warning("session loop or audio render stalled: watchdog pings withheld")
                }
                wasHealthy = healthy
            }
        }
    }

    /// Healthy or not, and the render position seen now (for the next check).
    static func health(_ s: DaemonState.Snapshot, lastFrames: UInt64?, now: ContinuousClock.Instant)
        -> (Bool, UInt64?)
    {
        guard let running = s.running else { return (true, nil) }
        let frames = running.swell?.store.framesRendered
        var healthy = true
        if s.phase == .running {
            let d = now - running.lastProgressAt
            let quiet = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
            healthy = quiet < sessionLoopStallSeconds
        }
        // Offline rendering (a faster-than-real-time session to a file) moves only with beats, which
        // the loop check covers; live output must move on its own.
        if let frames, let lastFrames, running.swell?.live == true, frames == lastFrames { healthy = false }
        return (healthy, frames)
    }
}

/// Once a second: the `swell` event while a session runs and systemd's STATUS= line when it changes;
/// a `: ping` comment to every event stream each 15 s; the journal's retention once a day.
struct DaemonTicker: Service {
    let notifier: SystemdNotifier?
    let state: DaemonState
    let retention: JournalRetention?

    func run() async throws {
        var lastStatus = ""
        var tick = 0
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            if let swell = state.swellEvent() { state.events.publish(EventHub.event("swell", swell)) }
            let status = state.statusLine()
            if status != lastStatus {
                _ = notifier?.status(status)
                lastStatus = status
            }
            if tick % 15 == 14 { state.events.publish(EventHub.ping) }
            if tick % 86_400 == 86_399 { retention?.prune() }
            tick += 1
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(1)) }
        }
    }
}

/// `journal.retention_days`: sessions that started longer ago are deleted, at start and daily.
struct JournalRetention: Sendable {
    let database: SessionDatabase
    let days: Int
    let logger: Logger
    /// With a clinic store configured: sessions the store has not confirmed are never pruned.
    var keepUnconfirmed = false

    func prune() {
        let cutoff = Date().addingTimeInterval(-Double(days) * 86_400)
        do {
            let removed = try database.prune(startedBefore: cutoff, keepUnconfirmed: keepUnconfirmed)
            if removed > 0 { logger.info("journal retention", metadata: ["days": "\(days)", "removed": "\(removed)"]) }
        } catch {
            // Retention is housekeeping: a failure is logged and retried tomorrow; sessions go on.
            logger.error("journal retention: \(error)")
        }
    }
}
