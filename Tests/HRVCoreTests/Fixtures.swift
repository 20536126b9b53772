// SPDX-License-Identifier: Apache-2.0
import Foundation
import HRVCore

/// Test data: recordings copied into Fixtures/rr (small ones), the long ones read from the team's
/// shared folder beside the repository, and the reference values in Fixtures/oracle.
enum Fixtures {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let shared = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/data/rr")

    static let small = [
        "nsrdb_pyhrv_5min", "polar_h10_slow_breathing_brennan", "chf2db_chf208_excerpt_10min_artifacts",
        "ecg_rest_30min_piskorski_a", "nsrdb_pyhrv_60min",
    ]
    static let long = ["apnea_ecg_a01_overnight", "rrhealthy_000_holter", "nsr2db_nsr021_24h", "chf2db_chf201_24h"]
    static var sharedAvailable: Bool { FileManager.default.fileExists(atPath: shared.path) }

    static func recording(_ name: String) throws -> [Double] {
        var url = folder.appendingPathComponent("rr/\(name).txt")
        if !FileManager.default.fileExists(atPath: url.path) { url = shared.appendingPathComponent("\(name).txt") }
        return try RRText.parse(String(contentsOf: url, encoding: .utf8))
    }

    static func oracle(_ name: String) throws -> Oracle {
        let data = try Data(contentsOf: folder.appendingPathComponent("oracle/\(name).json"))
        return try JSONDecoder().decode(Oracle.self, from: data)
    }
}

/// The slimmed output of shared/tools/hrv_oracle.py (NeuroKit2 0.2.13), see Fixtures/README.md.
struct Oracle: Decodable {
    struct Block: Decodable {
        var index: Int?
        var partial: Bool?
        var n_rr: Int?
        var mean_rr_ms: Double?
        var mean_hr_bpm: Double?
        var sdnn_ms: Double?
        var rmssd_ms: Double?
        var pnn50_pct_nminus1: Double?
        var sd1_ms: Double?
        var sd2_ms: Double?
        var lf_ms2: Double?
        var hf_ms2: Double?
    }
    var whole: Block
    var windows: [Block]
    var corrected_windows: [Block]?
}
