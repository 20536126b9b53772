// SPDX-License-Identifier: Apache-2.0
import Testing
@testable import ALSAOutput

@Suite struct LibasoundLinkTests {
    /// Debian 12 ships alsa-lib 1.2.x; the call proves the system library target links.
    @Test func reportsTheLibasoundVersion() {
        #expect(ALSAOutputModule.libraryVersion.hasPrefix("1."))
    }
}
