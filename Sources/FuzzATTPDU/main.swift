// SPDX-License-Identifier: Apache-2.0
// libFuzzer target for the ATT PDU decoder and the GATT client that consumes it:
//   swift build -c release --sanitize=fuzzer --product FuzzATTPDU
//   .build/release/FuzzATTPDU -max_total_time=600
// Only declarations here: a fuzzer build compiles this file as a library and takes main() from
// libFuzzer, a normal build gets an empty main(), so `swift build` still links. Rerun a crash
// input with the fuzzer binary itself: .build/release/FUZZER crash-<sha1>.
import BLEProtocol

/// Decoding must never trap; whatever decodes must encode back to the same bytes' meaning; and a
/// GATT client fed the input as a PDU at every phase must answer with an action, not a crash.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    if let pdu = try? ATTPDU(decoding: bytes) {
        let again = try? ATTPDU(decoding: pdu.encoded())
        precondition(again == pdu, "re-encoding changed \(pdu)")
    }
    var client = GATTClient()
    _ = client.start()
    _ = client.receive(bytes)
    // The same bytes again after a valid MTU exchange, in the service-discovery phase.
    var discovering = GATTClient()
    _ = discovering.start()
    _ = discovering.receive([0x03, 0x17, 0x00])
    _ = discovering.receive(bytes)
    return 0
}

