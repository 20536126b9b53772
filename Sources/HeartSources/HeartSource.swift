// SPDX-License-Identifier: Apache-2.0
import Foundation
import BLEProtocol
package import BluetoothLinux
package import HRVCore
package import ListenerModel
import StdinBeats

/// What a source hands the session loop next.
package enum HeartInput: Sendable, Equatable {
    /// A beat, stamped on the session clock. `origin` says where it came from, for a journal
    /// event about it ("stdin line 12").
    case beat(RRInterval, origin: BeatOrigin? = nil)
    /// Nothing yet (a silent producer): the loop commits what it has and hears a stop.
    case idle
    /// A second of session time passed (live sources): the loop keeps the music's course while the
    /// strap is silent.
    case tick(seconds: Double)
    /// The strap's state, battery or name changed, at session time `seconds`.
    case strap(StrapEvent, seconds: Double)
    /// The source has no more beats: the session ends at `seconds` (or its plan, when earlier).
    case end(seconds: Double)
}

/// Where a beat came from, said only when something is said about it (text made then, not per beat).
package enum BeatOrigin: Sendable, Equatable, CustomStringConvertible {
    case stdinLine(Int)

    package var description: String {
        switch self {
        case .stdinLine(let number): "stdin line \(number)"
        }
    }
}

/// What a source may read of the session as it goes: the music the listener hears (the simulated
/// listener answers it) and whether the session is done with beats (an assessment's last step).
package struct HeartContext: Sendable {
    package var music: MusicState
    package var done: Bool

    package init(music: MusicState, done: Bool = false) {
        self.music = music
        self.done = done
    }
}

/// Where a session's beats come from (`lull session --source`, the daemon's strap or simulation).
package protocol HeartSource {
    /// Live sources (stdin, a strap) deliver beats of any length; the session loop bounds them to
    /// the live RR range (`RRBounds.live`) on its one per-beat path.
    var isLive: Bool { get }
    /// Whether the loop releases beats on the session clock (simulated and replayed time when
    /// not --fast); a live source is paced by the world.
    var needsPacing: Bool { get }
    /// Whether its beats and events are stamped with the session clock as they arrive (a strap):
    /// the loop then measures the plan's end on the clock, not on beat times.
    var stampsOnClock: Bool { get }
    mutating func next(_ context: HeartContext) async throws(HeartSourceError) -> HeartInput
    /// Lets go of what the source holds (a strap's connection); called once, at the session's end.
    mutating func close()
}

extension HeartSource {
    package var stampsOnClock: Bool { false }
    package mutating func close() {}
}

/// A source that cannot go on: one line naming what and where.
package struct HeartSourceError: Error, CustomStringConvertible, Equatable {
    package let description: String
    package init(_ description: String) { self.description = description }
}

/// The simulated listener (ListenerModel), closed loop: each beat answers the music as heard.
package struct SimulatedSource: HeartSource {
    private var listener: SimulatedListener
    private let plannedSeconds: Double
    package let needsPacing: Bool
    package var isLive: Bool { false }

    package init(listener: SimulatedListener, plannedSeconds: Double, paced: Bool) {
        self.listener = listener
        self.plannedSeconds = plannedSeconds
        needsPacing = paced
    }

    package mutating func next(_ context: HeartContext) async throws(HeartSourceError) -> HeartInput {
        let beat = listener.nextBeat(music: context.music)
        guard beat.beatTimeSeconds <= plannedSeconds else { return .end(seconds: beat.beatTimeSeconds) }
        return .beat(beat.rrInterval)
    }
}

/// A recorded RR file played back open loop (`--source replay:FILE`).
package struct ReplaySource: HeartSource {
    private let beats: [RRInterval]
    private var index = 0
    private var lastSeconds = 0.0
    private let plannedSeconds: Double
    package let needsPacing: Bool
    package var isLive: Bool { false }

    package init(path: String, plannedSeconds: Double, paced: Bool) throws(HeartSourceError) {
        let rr: [Double]
        do {
            rr = try RRText.parse(try String(contentsOfFile: path, encoding: .utf8))
        } catch let error as RRTextError {
            throw HeartSourceError("\(path): \(error)")
        } catch {
            throw HeartSourceError("cannot read \(path): \(error.localizedDescription)")
        }
        beats = RecordingAnalysis.beats(milliseconds: rr)
        self.plannedSeconds = plannedSeconds
        needsPacing = paced
    }

    /// Ends at the last beat within the plan: a recording shorter than the plan ends the session
    /// early there.
    package mutating func next(_ context: HeartContext) async throws(HeartSourceError) -> HeartInput {
        guard index < beats.count, beats[index].beatTimeSeconds <= plannedSeconds else {
            return .end(seconds: lastSeconds)
        }
        let beat = beats[index]
        index += 1
        lastSeconds = beat.beatTimeSeconds
        return .beat(beat)
    }
}

/// One RR interval per line on a file descriptor (`--source stdin`): beat times are the running
/// sum of the intervals, at the producer's pace.
package struct StdinSource: HeartSource {
    /// The line reader, touched only on `readerQueue`: poll(2) waits up to 200 ms for a line, which
    /// is blocking work and never runs on Swift concurrency's cooperative pool.
    private final class Reader: @unchecked Sendable {
        var lines: StdinLines
        init(fd: Int32) { lines = StdinLines(fd: fd) }
    }

    private static let readerQueue = DispatchQueue(label: "lull.stdin")
    private let reader: Reader
    private var lineNumber = 0
    private var seconds = 0.0
    private let plannedSeconds: Double
    package var isLive: Bool { true }
    package var needsPacing: Bool { false }

    package init(fd: Int32 = STDIN_FILENO, plannedSeconds: Double) {
        reader = Reader(fd: fd)
        self.plannedSeconds = plannedSeconds
    }

    private func nextLine() async -> StdinLines.Next {
        await withCheckedContinuation { continuation in
            Self.readerQueue.async { [reader] in continuation.resume(returning: reader.lines.next(timeoutMilliseconds: 200)) }
        }
    }

    package mutating func next(_ context: HeartContext) async throws(HeartSourceError) -> HeartInput {
        // The beat that reached the plan (or finished an assessment) was the last.
        if seconds >= plannedSeconds || context.done { return .end(seconds: seconds) }
        while true {
            let line: String
            switch await nextLine() {
            case .end: return .end(seconds: seconds)
            case .idle: return .idle
            case .tooLong:
                throw HeartSourceError(
                    "stdin line \(lineNumber + 1): longer than \(LineSplitter.maximumLineBytes) bytes; "
                        + "one RR interval in ms per line")
            case .line(let text): line = text
            }
            lineNumber += 1
            switch StdinBeat(line: line) {
            case .skip: continue
            case .invalid:
                let text = line.trimmingCharacters(in: .whitespaces)
                throw HeartSourceError("stdin line \(lineNumber): '\(text.prefix(40))' is not an RR interval in ms")
            case .beat(let milliseconds), .outOfRange(let milliseconds):
                // An interval outside the live range moves the clock by the nearest accepted
                // length (a heartbeat at most); the loop marks the beat itself an artifact.
                seconds += RRBounds.live(RRInterval(milliseconds: milliseconds, beatTimeSeconds: seconds)).milliseconds / 1000
                return .beat(RRInterval(milliseconds: milliseconds, beatTimeSeconds: seconds), origin: .stdinLine(lineNumber))
            }
        }
    }
}

/// A chest strap's beats through a `StrapSupervisor` (its own, or the daemon's, which outlives
/// the session), merged with a tick every second of session time so the music keeps its course,
/// and the plan's end still comes, while the strap is silent.
package final class StrapSource: HeartSource {
    private enum Merged: Sendable {
        case event(StrapEvent)
        case tick
        case ended
    }

    private let supervisor: StrapSupervisor?
    private var iterator: AsyncStream<Merged>.Iterator
    private let tasks: [Task<Void, Never>]
    private let clock: any SessionClock
    /// The supervisor's clock (seconds since it started) at the session's start: beat times are
    /// shifted by it, and beats from before it are not the session's.
    private let offsetSeconds: Double
    private var lastBeatSeconds = 0.0
    private var pending: [RRInterval] = []
    package var isLive: Bool { true }
    package var needsPacing: Bool { false }

    /// `events` of a supervisor already running (the daemon's), or nil: the source opens its own
    /// supervisor for `target`.
    package init(
        target: StrapTarget, events: AsyncStream<StrapEvent>?, offsetSeconds: Double, clock: any SessionClock
    ) {
        supervisor = events == nil ? StrapSupervisor(target: target) : nil
        let stream = events ?? supervisor!.events()
        let (inputs, continuation) = AsyncStream.makeStream(of: Merged.self, bufferingPolicy: .bufferingNewest(4096))
        iterator = inputs.makeAsyncIterator()
        self.clock = clock
        self.offsetSeconds = offsetSeconds
        tasks = [
            Task {
                for await e in stream { continuation.yield(.event(e)) }
                continuation.yield(.ended)
            },
            Task {
                while !Task.isCancelled {
                    do { try await clock.sleep(untilSeconds: clock.seconds + 1) } catch { break }
                    continuation.yield(.tick)
                }
            },
        ]
    }

    package var stampsOnClock: Bool { true }

    package func close() {
        supervisor?.stop()
        for task in tasks { task.cancel() }
    }

    package func next(_ context: HeartContext) async throws(HeartSourceError) -> HeartInput {
        if !pending.isEmpty { return .beat(pending.removeFirst()) }
        while true {
            guard let input = await iterator.next() else { return .end(seconds: clock.seconds) }
            let seconds = clock.seconds
            switch input {
            case .tick: return .tick(seconds: seconds)
            case .ended: return .end(seconds: seconds)
            case .event(.measurement(let m)):
                for b in m.beats where b.beatTimeSeconds - offsetSeconds > lastBeatSeconds {
                    lastBeatSeconds = b.beatTimeSeconds - offsetSeconds
                    pending.append(RRInterval(milliseconds: b.milliseconds, beatTimeSeconds: lastBeatSeconds, contact: b.contact))
                }
                if !pending.isEmpty { return .beat(pending.removeFirst()) }
            case .event(let event): return .strap(event, seconds: seconds)
            }
        }
    }
}
