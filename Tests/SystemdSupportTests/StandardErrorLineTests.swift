// SPDX-License-Identifier: Apache-2.0
import Testing

@testable import SystemdSupport

/// Lines printed before (or instead of) the logging system keep their priority in the journal.
@Suite struct StandardErrorLineTests {
    @Test func aFatalLineIsErrInTheJournalAndUnchangedElsewhere() {
        let line = "lull: /etc/lull/lull.yaml: key audio.period_frames: 17 is out of range (64...16384)"
        #expect(JournalLogHandler.standardErrorText(line, level: .error, format: .journal) == "<3>" + line + "\n")
        #expect(JournalLogHandler.standardErrorText(line, level: .error, format: .plain) == line + "\n")
        #expect(JournalLogHandler.standardErrorText("a\nb", level: .warning, format: .journal) == "<4>a\n<4>b\n")
    }
}
