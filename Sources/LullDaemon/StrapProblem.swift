// SPDX-License-Identifier: Apache-2.0
import LullWire
import SessionRuntime
import ControlClient
import HeartSources
import BluetoothLinux
import Glibc

/// What the strap is waiting for, in the one line the daemon logs and shows (`strap.detail` of
/// `/api/status`, `lull status`, the kiosk page, systemd's STATUS=), or nil for an ordinary loss
/// that reconnecting handles by itself (a strap switched off, out of range, not yet put on).
enum StrapProblem {
    /// `reason` is the supervisor's text for a lost link or a failure (`permanent`: it gave up and
    /// the monitor will start a new one). `adapterExists` answers whether the kernel lists an
    /// adapter of that name; the default reads sysfs.
    static func waitingFor(
        reason: String, permanent: Bool, target: StrapTarget,
        adapterExists: (String) -> Bool = Self.adapterListed
    ) -> String? {
        let adapter: String
        switch target {
        case .address(_, let name), .auto(let name), .name(_, let name): adapter = name
        case .unix: return permanent ? "strap: \(reason); trying again" : nil
        }
        // No Bluetooth in the kernel (EAFNOSUPPORT) or no such adapter: for an operator both mean
        // the same thing, a dongle to plug in or an adapter to enable.
        if reason == BluetoothLinuxError.bluetoothUnavailable.description
            || reason == BluetoothLinuxError.adapterNotFound(adapter).description || !adapterExists(adapter)
        {
            return "no Bluetooth adapter \(adapter): waiting for one"
        }
        if reason == BluetoothLinuxError.adapterDown(adapter).description {
            return "Bluetooth adapter \(adapter) is down: waiting for it to be switched on (rfkill unblock bluetooth; bluetoothctl power on)"
        }
        return permanent ? "strap: \(reason); trying again" : nil
    }

    /// True when the kernel lists `adapter` (`/sys/class/bluetooth/hci0`): the one thing the
    /// supervisor's errors cannot say apart from a strap out of range.
    static func adapterListed(_ adapter: String) -> Bool {
        access("/sys/class/bluetooth/\(adapter)", F_OK) == 0
    }
}
