// SPDX-License-Identifier: Apache-2.0
// The SynthCore suites live in this folder, one file per type.
import Testing
@testable import SynthCore
