#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Lull's strap paths against the kernel's Bluetooth and BlueZ, in a QEMU VM.
#
# Boots Debian's own kernel (linux-image-amd64, Bluetooth and hci_vhci as modules) under QEMU
# with a small busybox initramfs that mounts this machine's root read-only over virtio-9p (tmpfs
# for the writable directories), then runs scripts/ble-vm/guest.sh there: btvirt's emulated
# controllers (LE-only 4.x, then dual-mode 5.x), bluetoothd with its D-Bus system bus, and
# scripts/ble-vm/hr-peripheral.py (a heart-rate strap served by BlueZ's GATT server) on hci1,
# while lull scans and connects from hci0. Prints PASS/FAIL per check and exits non-zero on any
# failure; skips (exit 0) only where QEMU cannot run.
#
# Usage: scripts/ble-vm-test.sh [le4|dual5 ...]      LULL=path/to/lull (default .build-tests/release/lull)
#   LULL_CHECKS=a,b (see wanted() in guest.sh; default all), LULL_VM_KEEP_LOG=PREFIX (the console
#   log of each mode is copied to PREFIX.MODE), LULL_VM_TRACE=1 (btmon records the HCI traffic; with
#   LULL_VM_KEEP_LOG, it and the guest's logs are unpacked into PREFIX.MODE.trace/).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
lull=$(realpath -m "${LULL:-$root/.build-tests/release/lull}")
modes=("${@:-le4}")
[ $# -eq 0 ] && modes=(le4 dual5)
[ -x "$lull" ] || { echo "ble-vm-test: no lull binary at $lull (build it, or set LULL)" >&2; exit 1; }

packages=(qemu-system-x86 linux-image-amd64 bluez bluez-test-tools busybox-static python3-dbus python3-gi dbus kmod)
missing=()
for package in "${packages[@]}"; do dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package"); done
if [ ${#missing[@]} -gt 0 ]; then
    echo "ble-vm-test: installing ${missing[*]}"
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi

kernel_version=$(ls /lib/modules | grep -E -- '-amd64$' | sort -V | tail -n 1 || true)
kernel=/boot/vmlinuz-$kernel_version
if [ -z "$kernel_version" ] || [ ! -r "$kernel" ] || ! command -v qemu-system-x86_64 >/dev/null; then
    echo "ble-vm-test: SKIP: no Debian amd64 kernel or QEMU here"
    exit 0
fi

work=$(mktemp -d /tmp/lull-ble-vm.XXXXXX)
trap 'rm -rf "$work"' EXIT

# The initramfs: busybox, the modules virtio-9p needs, and an init that mounts the host's root.
# The host's root spans several filesystems (/proc, /sys, /dev are mounts of their own): QEMU's
# multidevs=remap keeps their inode numbers apart in the guest. Without it they collided, and the
# initramfs' /sys was moved onto the guest's /proc.
initramfs=$work/initramfs
mkdir -p "$initramfs"/{bin,proc,sys,dev,newroot,modules}
cp /bin/busybox "$initramfs/bin/busybox"
modules=/lib/modules/$kernel_version/kernel
for module in drivers/virtio/virtio_ring drivers/virtio/virtio drivers/virtio/virtio_pci_legacy_dev \
    drivers/virtio/virtio_pci_modern_dev drivers/virtio/virtio_pci net/9p/9pnet net/9p/9pnet_virtio \
    fs/netfs/netfs fs/fscache/fscache fs/9p/9p; do
    for candidate in "$modules/$module.ko" "$modules/$module.ko.xz"; do
        [ -e "$candidate" ] && cp "$candidate" "$initramfs/modules/"
    done
done
cat >"$initramfs/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci 9pnet 9pnet_virtio netfs fscache 9p; do
    [ -e /modules/$m.ko ] && insmod /modules/$m.ko
done
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=262144,cache=loose hostroot /newroot || { echo "ble-vm: cannot mount the host root"; poweroff -f; }
# The host's /tmp stays readable at /mnt (LULL=/tmp/... is translated to it below) before the
# guest's own tmpfs covers /tmp.
mount -o bind /newroot/tmp /newroot/mnt 2>/dev/null
for d in tmp run var/lib/bluetooth var/tmp root; do mount -t tmpfs tmpfs /newroot/$d; done
mount --move /proc /newroot/proc
mount --move /sys /newroot/sys
mount --move /dev /newroot/dev
exec switch_root /newroot /bin/bash "$LULL_ROOT/scripts/ble-vm/guest.sh"
INIT
chmod +x "$initramfs/init"
(cd "$initramfs" && find . | cpio -o -H newc --quiet | gzip -1) >"$work/initramfs.gz"

# Software emulation: /dev/kvm may exist and still hang the guest at "Booting from ROM" (nested
# virtualisation), so KVM is used only when asked for with LULL_VM_KVM=1.
accel=(-accel tcg)
[ "${LULL_VM_KVM:-0}" = 1 ] && accel=(-accel kvm)

# The guest's /tmp is a tmpfs of its own, so a lull under the host's /tmp is run from /mnt there.
guest_lull=$lull
case "$lull" in /tmp/*) guest_lull=/mnt/${lull#/tmp/} ;; esac

status=0
for mode in "${modes[@]}"; do
    log=$work/$mode.log
    echo "ble-vm-test: booting $kernel_version under QEMU (${accel[1]}), $mode controllers"
    started=$(date +%s)
    timeout 900 qemu-system-x86_64 "${accel[@]}" -machine q35 -m 1536 -smp 2 -nographic -no-reboot \
        -kernel "$kernel" -initrd "$work/initramfs.gz" \
        -append "console=ttyS0 quiet loglevel=3 panic=-1 LULL_ROOT=$root LULL=$guest_lull LULL_MODE=$mode LULL_CHECKS=${LULL_CHECKS:-all} LULL_VM_TRACE=${LULL_VM_TRACE:-0}" \
        -fsdev local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap \
        -device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot </dev/null >"$log" 2>&1 || true
    tr -d '\r' <"$log" | grep -E '^(PASS|FAIL|SKIP|INFO) ' | sed "s/^/[$mode] /" || true
    if ! grep -q '^ble-vm: done' <(tr -d '\r' <"$log"); then
        echo "[$mode] FAIL the VM did not finish its checks; last lines:"
        tr -d '\r' <"$log" | tail -n 30 | sed "s/^/[$mode]   /"
        status=1
    fi
    grep -q '^FAIL ' <(tr -d '\r' <"$log") && status=1
    if [ -n "${LULL_VM_KEEP_LOG:-}" ]; then
        cp "$log" "$LULL_VM_KEEP_LOG.$mode"
        if [ "${LULL_VM_TRACE:-0}" = 1 ]; then
            mkdir -p "$LULL_VM_KEEP_LOG.$mode.trace"
            tr -d '\r' <"$log" | sed -n '/^ble-vm: trace begins/,/^ble-vm: trace ends/p' | sed '1d;$d' |
                base64 -d 2>/dev/null | tar xzf - -C "$LULL_VM_KEEP_LOG.$mode.trace" 2>/dev/null || true
        fi
    fi
    echo "ble-vm-test: $mode took $(($(date +%s) - started)) s"
done
exit $status
