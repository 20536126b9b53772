// SPDX-License-Identifier: Apache-2.0
public import ArgumentParser
public import SynthCore

/// `--palette NAME` on `lull render` and `lull session`: a palette's name, any case.
extension Palette: ExpressibleByArgument {
    public init?(argument: String) { self.init(named: argument) }
    public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}
