// SPDX-License-Identifier: Apache-2.0
import Glibc

/// Starts a detached pthread for a blocking loop.
///
/// Socket loops block in poll; in a Task they would hold one of the cooperative pool's threads
/// (one per core, two here) for the whole session. A thread of their own keeps the pool free.
public enum DetachedThread {
    private final class Body {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }

    public static func start(_ body: @escaping @Sendable () -> Void) {
        let context = Unmanaged.passRetained(Body(body)).toOpaque()
        var thread = pthread_t()
        let result = pthread_create(
            &thread, nil,
            { context in
                let body = Unmanaged<Body>.fromOpaque(context!).takeRetainedValue()
                body.run()
                return nil
            }, context)
        precondition(result == 0, "pthread_create failed: \(result)")
        pthread_detach(thread)
    }
}
