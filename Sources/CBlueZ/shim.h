// SPDX-License-Identifier: Apache-2.0
// BlueZ's socket headers and HCI helpers (libbluetooth-dev), for the BluetoothLinux adapter.
#include <sys/socket.h>
#include <bluetooth/bluetooth.h>
#include <bluetooth/hci.h>
#include <bluetooth/hci_lib.h>
#include <bluetooth/l2cap.h>
