// SPDX-License-Identifier: Apache-2.0
import LullWire
import HeartSources
package import Dispatch
import Glibc

/// Runs `stop` on SIGINT or SIGTERM instead of dying, so Ctrl-C ends a streaming verb cleanly
/// (link closed, summary printed, exit status 0). Keep the returned sources alive while running.
package enum SignalStop {
    package static func install(_ stop: @escaping @Sendable () -> Void) -> [any DispatchSourceSignal] {
        [SIGINT, SIGTERM].map { signalNumber in
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler(handler: stop)
            source.resume()
            return source
        }
    }
}
