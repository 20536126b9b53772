// SPDX-License-Identifier: Apache-2.0
import BLEProtocol
package import BluetoothLinux
import LullWire

/// `lull strap`'s lines: one per notification, for people or (--json) for programs.
package enum StrapMeasurementText {
    package static func text(_ m: StrapMeasurement, battery: Int?) -> String {
        var line = "HR \(m.heartRateBPM) bpm  RR "
        line += m.beats.isEmpty ? "-" : m.beats.map { JSONWriter.number($0.milliseconds) }.joined(separator: " ") + " ms"
        line += "  contact \(m.contact.rawValue)"
        if let energy = m.energyExpendedKilojoules { line += "  energy \(energy) kJ" }
        if let battery { line += "  battery \(battery)%" }
        return line
    }

    /// Keys: time_s (arrival, seconds since start), heart_rate_bpm, rr_ms, rr_1024 (exact as
    /// sent), beat_times_s, contact, energy_kj, battery_percent.
    package static func json(_ m: StrapMeasurement, battery: Int?) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.field("time_s", (m.arrivalSeconds * 1000).rounded() / 1000)
        w.field("heart_rate_bpm", Int(m.heartRateBPM))
        w.beginArray("rr_ms")
        for beat in m.beats { w.value(beat.milliseconds) }
        w.endArray()
        w.beginArray("rr_1024")
        for beat in m.beats { w.value(Int(beat.ticks1024)) }
        w.endArray()
        w.beginArray("beat_times_s")
        for beat in m.beats { w.value((beat.beatTimeSeconds * 1000).rounded() / 1000) }
        w.endArray()
        w.field("contact", m.contact.rawValue)
        w.field("energy_kj", m.energyExpendedKilojoules.map { Int($0) })
        w.field("battery_percent", battery)
        w.endObject()
        return w.text
    }
}
