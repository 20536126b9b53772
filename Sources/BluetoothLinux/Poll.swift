// SPDX-License-Identifier: Apache-2.0
import Glibc

/// A pipe another thread writes to in order to wake a blocked `poll`.
///
/// Blocking reads live on dedicated threads, never in the cooperative pool (2 cores = 2 pool
/// threads); this is how those threads are told to stop.
public final class WakeSignal: Sendable {
    /// The read end, which poll watches; the byte written to it is never read, so it stays readable.
    let descriptor: Int32
    private let writeDescriptor: Int32

    public init() {
        var fds: [Int32] = [-1, -1]
        precondition(pipe(&fds) == 0, "pipe failed: errno \(errno)")
        for fd in fds {
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        }
        descriptor = fds[0]
        writeDescriptor = fds[1]
    }

    deinit {
        Glibc.close(descriptor)
        Glibc.close(writeDescriptor)
    }

    /// Wakes every current and future wait.
    public func fire() {
        var one: UInt8 = 1
        _ = write(writeDescriptor, &one, 1)
    }

    /// The descriptor to include in a caller's own poll set; readable once fired.
    public var descriptorForPolling: Int32 { descriptor }

    public var isFired: Bool {
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, 0) == 1
    }
}

enum Poll {
    enum Outcome { case ready, timedOut, woken }

    /// Waits until `descriptor` has `events`, the timeout passes, or `wake` fires; retries EINTR.
    static func wait(
        for descriptor: Int32, events: Int16, timeoutMilliseconds: Int32, wake: WakeSignal?
    ) throws(BluetoothLinuxError) -> Outcome {
        var entries = [pollfd(fd: descriptor, events: events, revents: 0)]
        if let wake { entries.append(pollfd(fd: wake.descriptor, events: Int16(POLLIN), revents: 0)) }
        while true {
            let count = poll(&entries, nfds_t(entries.count), timeoutMilliseconds)
            if count < 0 {
                if errno == EINTR { continue }
                throw .fromErrno("poll")
            }
            if count == 0 { return .timedOut }
            if entries.count > 1 && entries[1].revents != 0 { return .woken }
            return .ready
        }
    }

    /// Sleeps for `seconds` unless `wake` fires; true when woken.
    static func sleep(seconds: Double, wake: WakeSignal) -> Bool {
        var entry = pollfd(fd: wake.descriptor, events: Int16(POLLIN), revents: 0)
        let deadline = MonotonicClock.seconds() + seconds
        while true {
            let remaining = deadline - MonotonicClock.seconds()
            if remaining <= 0 { return false }
            let result = poll(&entry, 1, Int32(min(remaining * 1000, Double(Int32.max)).rounded(.up)))
            if result > 0 { return true }
            if result == 0 { continue }
            if errno != EINTR { return false }
        }
    }
}

/// CLOCK_MONOTONIC in seconds: immune to wall-clock steps, used for timeouts and arrival times.
public enum MonotonicClock {
    public static func seconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
