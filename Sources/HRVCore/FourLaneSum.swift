// SPDX-License-Identifier: Apache-2.0

/// Σ values, in four interleaved partial sums: one long chain of additions would wait on each
/// addition's latency. The Welch and breathing spectra both take their means this way.
func fourLaneSum(_ values: UnsafeBufferPointer<Double>) -> Double {
    var partial = SIMD4<Double>()
    var i = 0
    guard let v = values.baseAddress else { return 0 }
    while i + 4 <= values.count {
        partial += UnsafeRawPointer(v + i).loadUnaligned(as: SIMD4<Double>.self)
        i += 4
    }
    var total = partial.sum()
    while i < values.count {
        total += v[i]
        i += 1
    }
    return total
}
