// SPDX-License-Identifier: Apache-2.0
import ListenerModel
import Testing

@Suite struct SplitMix64Tests {
    /// Reference outputs of Vigna's `splitmix64.c` (compiled and run for these seeds).
    static let references: [(UInt64, [UInt64])] = [
        (0, [0xE220_A839_7B1D_CDAF, 0x6E78_9E6A_A1B9_65F4, 0x06C4_5D18_8009_454F]),
        (1_234_567, [0x599E_D017_FB08_FC85, 0x2C73_F084_5854_0FA5]),
    ]

    @Test(arguments: references)
    func matchesTheReferenceImplementation(seed: UInt64, expected: [UInt64]) {
        var random = SplitMix64(seed: seed)
        #expect(expected.map { _ in random.next() } == expected)
    }

    @Test func unitsAreInTheHalfOpenIntervalAndGaussiansAreStandard() {
        var random = SplitMix64(seed: 42)
        let units = (0..<20_000).map { _ in random.nextUnit() }
        #expect(units.allSatisfy { (0..<1).contains($0) })
        let gaussians = (0..<20_000).map { _ in random.nextGaussian() }
        let mean = gaussians.reduce(0, +) / Double(gaussians.count)
        let variance = gaussians.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(gaussians.count - 1)
        #expect(abs(mean) < 0.03)
        #expect(abs(variance.squareRoot() - 1) < 0.03)
    }
}
