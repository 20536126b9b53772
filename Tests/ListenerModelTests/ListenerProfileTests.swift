// SPDX-License-Identifier: Apache-2.0
import ListenerModel
import Testing

@Suite struct ListenerProfileTests {
    @Test func namesAreTheCommandLineSpelling() {
        #expect(ListenerProfile.all.map(\.name) == ["anxious", "calm", "non-responder"])
        #expect(ListenerProfile(name: "non-responder") == .nonResponder)
        #expect(ListenerProfile(name: "anxious") == .anxious)
        #expect(ListenerProfile(name: "Anxious") == nil)
    }

    @Test func theAnxiousProfileStartsMoreActivatedThanTheCalmOne() {
        let anxious = ListenerProfile.anxious
        let calm = ListenerProfile.calm
        #expect(anxious.restingArousal > calm.restingArousal)
        #expect(ListenerProfile.nonResponder.breathEntrainment == 0)
    }
}
