// SPDX-License-Identifier: Apache-2.0

/// The simulated strap: turns true beats into delivered intervals, injecting the configured faults.
extension SimulatedListener {
    /// Appends the next delivered interval(s) to `pending`.
    mutating func deliver(music: MusicState) {
        var beat = nextHeartBeat(music: music)
        let rrSeconds = beat.rrMilliseconds / 1000
        let previousTime = heartTimeSeconds - rrSeconds

        // A dropout: the strap is silent; the heart goes on. The first beat after it is delivered
        // with its own interval and a time that jumps over the silence.
        if artifacts.dropoutsPerMinute > 0, artifactRandom.nextUnit() < artifacts.dropoutsPerMinute * rrSeconds / 60 {
            let resume = heartTimeSeconds + artifacts.dropoutSeconds
            while heartTimeSeconds < resume { beat = nextHeartBeat(music: music) }
            beat.truth.injectedArtifact = .dropout
            append(beat, at: heartTimeSeconds, contact: true)
            return
        }
        if artifacts.contactLossesPerMinute > 0,
            artifactRandom.nextUnit() < artifacts.contactLossesPerMinute * rrSeconds / 60
        {
            contactLossUntilSeconds = heartTimeSeconds + artifacts.contactLossSeconds
        }
        if heartTimeSeconds < contactLossUntilSeconds {
            beat.truth.injectedArtifact = .contactLoss
            beat.rrMilliseconds = max(250, beat.rrMilliseconds + 60 * artifactRandom.nextGaussian())
            append(beat, at: heartTimeSeconds, contact: false)
            return
        }
        guard artifacts.beatArtifactProbability > 0, artifactRandom.nextUnit() < artifacts.beatArtifactProbability
        else {
            append(beat, at: heartTimeSeconds, contact: true)
            return
        }
        let kind: InjectedArtifact = [.ectopic, .missed, .extra][Int(artifactRandom.next() % 3)]
        beat.truth.injectedArtifact = kind
        switch kind {
        case .ectopic:
            // Premature at 65 % of the interval, then the compensatory pause to the next true beat.
            var early = beat
            early.rrMilliseconds = 0.65 * beat.rrMilliseconds
            append(early, at: previousTime + early.rrMilliseconds / 1000, contact: true)
            var late = nextHeartBeat(music: music)
            late.truth.injectedArtifact = .ectopic
            late.rrMilliseconds += 0.35 * beat.rrMilliseconds
            append(late, at: heartTimeSeconds, contact: true)
        case .missed:
            var merged = nextHeartBeat(music: music)
            merged.truth.injectedArtifact = .missed
            merged.rrMilliseconds += beat.rrMilliseconds
            append(merged, at: heartTimeSeconds, contact: true)
        default:
            var first = beat
            first.rrMilliseconds = 0.45 * beat.rrMilliseconds
            append(first, at: previousTime + first.rrMilliseconds / 1000, contact: true)
            var second = beat
            second.rrMilliseconds = beat.rrMilliseconds - first.rrMilliseconds
            append(second, at: heartTimeSeconds, contact: true)
        }
    }

    private mutating func append(
        _ beat: (rrMilliseconds: Double, truth: ListenerGroundTruth), at seconds: Double, contact: Bool
    ) {
        pending.append(
            SimulatedBeat(
                rrMilliseconds: beat.rrMilliseconds, beatTimeSeconds: seconds, contact: contact, truth: beat.truth))
    }
}
