// SPDX-License-Identifier: Apache-2.0

/// The recent beats of one series in contiguous arrays (times and RR values side by side), so a
/// window's beats can be handed to the spectral estimators without copying. Old beats are
/// dropped from the front in amortised O(1).
struct BeatBuffer: Sendable {
    private(set) var times: [Double] = []
    private(set) var milliseconds: [Double] = []
    private(set) var flags: [BeatFlag] = []
    /// Index of the first live beat in the arrays.
    private(set) var head = 0

    /// - Parameter startIndex: the absolute index of the first beat appended.
    init(startIndex: Int = 0) { base = startIndex }

    /// Absolute index of the next beat appended.
    var endIndex: Int { base + times.count - head }
    /// Absolute index of the oldest beat kept.
    var startIndex: Int { base }
    private var base = 0

    mutating func append(_ beat: RRInterval, flag: BeatFlag) {
        times.append(beat.beatTimeSeconds)
        milliseconds.append(beat.milliseconds)
        flags.append(flag)
    }

    func time(at index: Int) -> Double { times[index - base + head] }
    func rr(at index: Int) -> Double { milliseconds[index - base + head] }
    func flag(at index: Int) -> BeatFlag { flags[index - base + head] }

    /// Drops beats before absolute `index`.
    mutating func dropBefore(_ index: Int) {
        guard index > base else { return }
        let drop = min(index - base, times.count - head)
        head += drop
        base += drop
        if head > 4096 && head * 2 > times.count {
            times.removeFirst(head)
            milliseconds.removeFirst(head)
            flags.removeFirst(head)
            head = 0
        }
    }

    /// Calls `body` with the times and RR values of absolute indices `range`.
    func withSeries<R>(
        _ range: Range<Int>, _ body: (UnsafeBufferPointer<Double>, UnsafeBufferPointer<Double>) -> R
    ) -> R {
        let lo = range.lowerBound - base + head
        let hi = range.upperBound - base + head
        return times.withUnsafeBufferPointer { t in
            milliseconds.withUnsafeBufferPointer { m in
                body(UnsafeBufferPointer(rebasing: t[lo..<hi]), UnsafeBufferPointer(rebasing: m[lo..<hi]))
            }
        }
    }

    /// First absolute index at or after `from` whose time is greater than `seconds`.
    func firstIndex(after seconds: Double, from: Int) -> Int {
        var i = max(from, base)
        while i < endIndex && time(at: i) <= seconds { i += 1 }
        return i
    }
}

/// A time-domain window and artifact counts over the newest beats of a `BeatBuffer`: the one
/// mechanism the live stream and the file windows both slide with.
struct BufferWindow: Sendable {
    var metrics = SlidingTimeDomain()
    var counts = ArtifactCounts()
    /// Absolute index of the window's first beat in the buffer.
    var first = 0

    /// Adds the buffer's newest beat; `previous` is the RR before it, if that beat is in the window.
    mutating func addNewest(of buffer: BeatBuffer, previous: Double?) {
        let i = buffer.endIndex - 1
        metrics.append(buffer.rr(at: i), previous: previous)
        counts.count(buffer.flag(at: i), 1)
    }

    /// Removes beats at or before `seconds`, keeping at least `keep` beats.
    mutating func evict(through seconds: Double, in buffer: BeatBuffer, keep: Int = 0) {
        while first < buffer.endIndex - keep && buffer.time(at: first) <= seconds {
            let next: Double? = first + 1 < buffer.endIndex ? buffer.rr(at: first + 1) : nil
            metrics.removeFirst(buffer.rr(at: first), next: next)
            counts.count(buffer.flag(at: first), -1)
            first += 1
        }
        if first == buffer.endIndex {
            metrics = SlidingTimeDomain()
            counts = ArtifactCounts()
        }
    }
}

extension BeatBuffer {
    /// Drops beats older than `seconds` that lie before absolute index `limit`, in chunks of at
    /// least `chunk` so the arrays are not shifted on every beat.
    mutating func dropOlder(than seconds: Double, before limit: Int, chunk: Int) {
        // Times increase: more than `chunk` beats qualify exactly when beat startIndex + chunk does,
        // so one comparison answers on most beats instead of a scan.
        let probe = startIndex + chunk
        guard probe < limit && time(at: probe) < seconds else { return }
        var drop = probe + 1
        while drop < limit && time(at: drop) < seconds { drop += 1 }
        dropBefore(drop)
    }
}
