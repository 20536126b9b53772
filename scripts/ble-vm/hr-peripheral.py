#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A heart-rate strap served by BlueZ's own GATT server, for scripts/ble-vm-test.sh.

Registers a GATT application (org.bluez.GattManager1.RegisterApplication) with the Heart Rate
service (0x180D: Heart Rate Measurement 0x2A37, notify; Heart Rate Service 1.0 §3.1) and the
Device Information service (0x180A: Serial Number String 0x2A25; DIS 1.1 §3.4), and an LE
advertisement (org.bluez.LEAdvertisingManager1) listing 0x180D with a local name, on one adapter.

It plays a known RR sequence: value i is 800 + (i * 53) % 400 in 1/1024 s, one per notification,
flags 0x10 (uint8 heart rate, RR present; HRS 1.0 §3.1.1.1). Like Lull's emulator it advances
only while a client is subscribed, and appends each value it hands to bluetoothd to --log, so the
test can demand every one of them, in order. SIGUSR1 disconnects every connected central (a strap
dropping its link); SIGUSR2 pauses or resumes the playback (a strap that keeps the link but stops
sending). SIGHUP marks a drop in --log without causing one: the test sends it just before a fault
outside the strap's own doing (an adapter switched off, bluetoothd restarted) takes the link away.
It re-registers when bluetoothd restarts, and advertises anew whenever its adapter is switched
back on (a strap switched off and on again).
"""
import argparse
import signal
import sys

import dbus
import dbus.exceptions
import dbus.mainloop.glib
import dbus.service
from gi.repository import GLib

BLUEZ = "org.bluez"
OBJECT_MANAGER = "org.freedesktop.DBus.ObjectManager"
PROPERTIES = "org.freedesktop.DBus.Properties"
GATT_SERVICE = "org.bluez.GattService1"
GATT_CHARACTERISTIC = "org.bluez.GattCharacteristic1"
ADVERTISEMENT = "org.bluez.LEAdvertisement1"
BASE = "/com/lull/strap"


def rr_ticks(index):
    return 800 + (index * 53) % 400


class NotPermitted(dbus.exceptions.DBusException):
    _dbus_error_name = "org.bluez.Error.NotPermitted"


class Application(dbus.service.Object):
    def __init__(self, bus, objects):
        self.objects = objects
        dbus.service.Object.__init__(self, bus, BASE)

    @dbus.service.method(OBJECT_MANAGER, out_signature="a{oa{sa{sv}}}")
    def GetManagedObjects(self):
        return {obj.path: obj.properties() for obj in self.objects}


class Service(dbus.service.Object):
    def __init__(self, bus, index, uuid):
        self.path = dbus.ObjectPath(f"{BASE}/service{index}")
        self.uuid = uuid
        dbus.service.Object.__init__(self, bus, self.path)

    def properties(self):
        return {GATT_SERVICE: {"UUID": self.uuid, "Primary": True}}


class Characteristic(dbus.service.Object):
    def __init__(self, bus, service, index, uuid, flags, value=b""):
        self.path = dbus.ObjectPath(f"{service.path}/char{index}")
        self.service = service
        self.uuid = uuid
        self.flags = flags
        self.value = value
        self.notifying = False
        self.subscriptions = 0
        dbus.service.Object.__init__(self, bus, self.path)

    def properties(self):
        return {GATT_CHARACTERISTIC: {"Service": self.service.path, "UUID": self.uuid, "Flags": dbus.Array(self.flags, signature="s")}}

    @dbus.service.method(GATT_CHARACTERISTIC, in_signature="a{sv}", out_signature="ay")
    def ReadValue(self, options):
        if "read" not in self.flags:
            raise NotPermitted("not readable")
        return dbus.Array(self.value, signature="y")

    @dbus.service.method(GATT_CHARACTERISTIC)
    def StartNotify(self):
        self.notifying = True
        self.subscriptions += 1
        log(f"subscribed {self.uuid}")

    @dbus.service.method(GATT_CHARACTERISTIC)
    def StopNotify(self):
        self.notifying = False
        log(f"unsubscribed {self.uuid}")

    @dbus.service.signal(PROPERTIES, signature="sa{sv}as")
    def PropertiesChanged(self, interface, changed, invalidated):
        pass

    def notify(self, value):
        self.value = value
        self.PropertiesChanged(GATT_CHARACTERISTIC, {"Value": dbus.Array(value, signature="y")}, [])


class Advertisement(dbus.service.Object):
    def __init__(self, bus, name):
        self.path = dbus.ObjectPath(f"{BASE}/advertisement0")
        self.name = name
        dbus.service.Object.__init__(self, bus, self.path)

    @dbus.service.method(PROPERTIES, in_signature="s", out_signature="a{sv}")
    def GetAll(self, interface):
        return {
            "Type": "peripheral",
            "ServiceUUIDs": dbus.Array(["180D"], signature="s"),
            "LocalName": dbus.String(self.name),
            "Discoverable": dbus.Boolean(True),
        }

    @dbus.service.method(ADVERTISEMENT)
    def Release(self):
        log("advertisement released")


def log(line):
    print(f"hr-peripheral: {line}", flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--adapter", default="hci1")
    parser.add_argument("--name", default="Lull VM Strap")
    parser.add_argument("--serial", default="LULL-VM-0001")
    parser.add_argument("--count", type=int, default=60, help="RR values to play")
    parser.add_argument("--interval", type=float, default=0.25, help="seconds between notifications")
    parser.add_argument("--log", required=True, help="file that gets each RR value sent, one per line")
    arguments = parser.parse_args()

    dbus.mainloop.glib.DBusGMainLoop(set_as_default=True)
    bus = dbus.SystemBus()
    adapter_path = f"/org/bluez/{arguments.adapter}"
    heart_rate = Service(bus, 0, "0000180d-0000-1000-8000-00805f9b34fb")
    measurement = Characteristic(bus, heart_rate, 0, "00002a37-0000-1000-8000-00805f9b34fb", ["notify"])
    information = Service(bus, 1, "0000180a-0000-1000-8000-00805f9b34fb")
    serial = Characteristic(bus, information, 0, "00002a25-0000-1000-8000-00805f9b34fb", ["read"], arguments.serial.encode())
    application = Application(bus, [heart_rate, measurement, information, serial])
    advertisement = Advertisement(bus, arguments.name)
    state = {"index": 0, "paused": False, "dropped": False, "subscriptions": 0, "application": False}
    sent_log = open(arguments.log, "a", buffering=1)

    def advertise(*_):
        dbus.Interface(bus.get_object(BLUEZ, adapter_path), "org.bluez.LEAdvertisingManager1").RegisterAdvertisement(
            advertisement.path, {}, reply_handler=lambda: log("advertising"), error_handler=lambda e: log(f"advertisement: {e}"))

    def register():
        def registered():
            # Advertised only once the GATT database holds the Heart Rate service: a central that
            # connects in between would find none, which no real strap ever shows.
            state["application"] = True
            log("application registered")
            advertise()

        state["application"] = False
        adapter = bus.get_object(BLUEZ, adapter_path)
        dbus.Interface(adapter, PROPERTIES).Set("org.bluez.Adapter1", "Powered", dbus.Boolean(True))
        dbus.Interface(adapter, "org.bluez.GattManager1").RegisterApplication(
            BASE, {}, reply_handler=registered, error_handler=lambda e: log(f"application: {e}"))

    def adapter_changed(interface, changed, invalidated):
        # Switched back on: a strap advertises again once it has power. BlueZ may still hold the
        # advertisement while the kernel's instance is gone (cleared before the power-off), so it
        # is withdrawn and registered anew rather than trusted.
        if interface == "org.bluez.Adapter1" and changed.get("Powered") and state["application"]:
            log("adapter powered: advertising again")
            manager = dbus.Interface(bus.get_object(BLUEZ, adapter_path), "org.bluez.LEAdvertisingManager1")
            manager.UnregisterAdvertisement(advertisement.path, reply_handler=advertise, error_handler=advertise)

    bus.add_signal_receiver(adapter_changed, "PropertiesChanged", PROPERTIES, BLUEZ, adapter_path)

    def bluez_owner_changed(name, old, new):
        if name == BLUEZ and new:
            measurement.notifying = False
            state["application"] = False
            log("bluetoothd (re)started: registering")
            GLib.timeout_add(500, lambda: (register(), False)[1])

    bus.add_signal_receiver(bluez_owner_changed, "NameOwnerChanged", "org.freedesktop.DBus")

    def tick():
        if measurement.notifying and state.get("dropped") and measurement.subscriptions > state["subscriptions"]:
            sent_log.write("# subscribed\n")
            state["dropped"] = False
        state["subscriptions"] = measurement.subscriptions
        if measurement.notifying and not state["paused"] and state["index"] < arguments.count:
            ticks = rr_ticks(state["index"])
            bpm = min(255, round(60 * 1024 / ticks))
            measurement.notify([0x10, bpm, ticks & 0xFF, ticks >> 8])
            sent_log.write(f"{ticks}\n")
            state["index"] += 1
            if state["index"] == arguments.count:
                log("played every value")
        return True

    def mark_drop():
        # Marked before the fault, so every value handed over from here until the central
        # subscribes again counts as one that may go with the link, as for disconnect_all.
        sent_log.write("# drop\n")
        state["dropped"] = True
        log("drop marked")
        return True

    def disconnect_all():
        manager = dbus.Interface(bus.get_object(BLUEZ, "/"), OBJECT_MANAGER)
        for path, interfaces in manager.GetManagedObjects().items():
            device = interfaces.get("org.bluez.Device1")
            if device and path.startswith(adapter_path + "/") and device.get("Connected"):
                log(f"dropping the link to {device.get('Address')}")
                # What was handed to bluetoothd just before, and until the central subscribes on
                # its next link, may be lost with the link (a notification has no acknowledgement):
                # the test's check lets those values be missing, and demands every other one.
                sent_log.write("# drop\n")
                state["dropped"] = True
                dbus.Interface(bus.get_object(BLUEZ, path), "org.bluez.Device1").Disconnect(
                    reply_handler=lambda: None, error_handler=lambda e: log(f"disconnect: {e}"))
        return True  # keep the handler for the next signal

    def toggle_pause():
        state["paused"] = not state["paused"]
        log("paused" if state["paused"] else "resumed")
        return True

    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGUSR1, disconnect_all)
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGUSR2, toggle_pause)
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGHUP, mark_drop)
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGTERM, lambda: (loop.quit(), False)[1])
    GLib.timeout_add(int(arguments.interval * 1000), tick)
    register()
    loop = GLib.MainLoop()
    loop.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
