// SPDX-License-Identifier: Apache-2.0
import Synchronization

/// Runs `body` and waits for it at most `seconds`: past that it is cancelled and left behind, and
/// the caller gets `onTimeout()`'s error at once.
///
/// Not a task group: a group waits for its children, and a PostgresNIO call whose connection the
/// server dropped mid-transaction (a crash, `pg_ctl -m immediate`) was seen to never finish,
/// cancelled or not: in the ROLLBACK of `withTransaction` or in the close that follows, so a
/// structured wait would hang the sync pass, and with it `lull sync`, forever.
func withDeadline<T: Sendable>(
    seconds: Double, onTimeout: @escaping @Sendable () -> any Error,
    _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    let once = ResumeOnce<T>()
    let work = Task { try await body() }
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { continuation in
            once.slot.withLock { $0 = continuation }
            let timer = Task {
                try await Task.sleep(for: .seconds(seconds))
                guard let waiting = once.take() else { return }
                work.cancel()
                waiting.resume(throwing: onTimeout())
            }
            Task {
                let result = await work.result
                timer.cancel()  // no sleeper left behind for the rest of the deadline
                once.take()?.resume(with: result)
            }
        }
    } onCancel: {
        // The caller is cancelled (a daemon shutting down): it stops waiting at once.
        work.cancel()
        once.take()?.resume(throwing: CancellationError())
    }
}

/// The continuation that the first of the two racers resumes.
private final class ResumeOnce<T: Sendable>: Sendable {
    let slot = Mutex<CheckedContinuation<T, any Error>?>(nil)
    func take() -> CheckedContinuation<T, any Error>? { slot.withLock { $0.take() } }
}
