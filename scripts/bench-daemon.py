#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The daemon's benchmarks (printed figures, not tests): startup to READY=1, and a real-time
session's CPU and resident memory with the strap emulator as the strap and ALSA's null device.

    swift build -c release
    python3 scripts/bench-daemon.py [--lull PATH] [--runs 10] [--minutes 10] [--sync-to URL]

Startup is timed from spawn to the READY=1 datagram on a notify socket this script binds, as
systemd would receive it. CPU is the daemon's utime+stime (/proc/PID/stat) over wall time while a
60-minute session runs; memory is VmRSS sampled every 10 s, VmHWM (the peak), RssAnon and Pss at the end.
With --sync-to, the daemon also has `journal.sync_to` (its clinic-store sync service runs beside the
session): run it with and without to see what the sync costs the session.
"""
import argparse
import json
import os
import signal
import socket
import subprocess
import tempfile
import time


def start_daemon(lull, folder, yaml, env_extra=None):
    notify_path = os.path.join(folder, "notify.sock")
    if os.path.exists(notify_path):
        os.unlink(notify_path)
    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    notify.bind(notify_path)
    config = os.path.join(folder, "lull.yaml")
    with open(config, "w") as f:
        f.write(yaml)
    env = {k: v for k, v in os.environ.items() if not k.startswith("LULL_")}
    env["NOTIFY_SOCKET"] = notify_path
    env["XDG_STATE_HOME"] = os.path.join(folder, "state")
    env.update(env_extra or {})
    t0 = time.perf_counter()
    process = subprocess.Popen([lull, "daemon", "--config", config], env=env,
                               stdout=subprocess.DEVNULL, stderr=open(os.path.join(folder, "daemon.err"), "w"))
    notify.settimeout(30)
    while True:
        message = notify.recv(4096).decode()
        if "READY=1" in message.split("\n"):
            return process, time.perf_counter() - t0, notify


def base_yaml(folder, strap, device, sync_to=None):
    return (f'strap:\n  address: "{strap}"\naudio:\n  device: "{device}"\n'
            f'control:\n  socket_path: "{folder}/control.sock"\njournal:\n  path: "{folder}/lull.sqlite"\n'
            + (f'  sync_to: "{sync_to}"\n' if sync_to else ''))


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks  # utime, stime (proc(5), fields 14 and 15)


def proc_kb(pid, key, table="status"):
    """A "Key: N kB" line of /proc/PID/status, or of smaps_rollup, whose Pss counts shared pages
    divided among the processes that map them (proc(5))."""
    with open(f"/proc/{pid}/{table}") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lull", default=".build/release/lull")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--sync-to", default=None, help="a clinic store URL for journal.sync_to")
    args = parser.parse_args()
    lull = os.path.abspath(args.lull)

    with tempfile.TemporaryDirectory(prefix="lull-bench-") as folder:
        times = []
        for _ in range(args.runs):
            process, seconds, notify = start_daemon(lull, folder, base_yaml(folder, "simulate", "none"))
            times.append(seconds * 1000)
            process.send_signal(signal.SIGTERM)
            process.wait()
            notify.close()
        times.sort()
        print(f"startup to READY=1: median {times[len(times) // 2]:.0f} ms, "
              f"min {times[0]:.0f} ms, max {times[-1]:.0f} ms over {len(times)} runs")

        strap = os.path.join(folder, "strap.sock")
        emulator = subprocess.Popen([lull, "emulate-strap", "--listen", f"unix:{strap}"],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while not os.path.exists(strap):
            time.sleep(0.05)
        process, _, notify = start_daemon(lull, folder, base_yaml(folder, f"unix:{strap}", "null", args.sync_to))
        pid = process.pid
        idle_cpu0, idle_t0 = cpu_seconds(pid), time.monotonic()
        time.sleep(30)
        idle_pct = 100 * (cpu_seconds(pid) - idle_cpu0) / (time.monotonic() - idle_t0)
        subprocess.run([lull, "start", "--minutes", "60", "--socket", f"{folder}/control.sock"], check=True)
        cpu0, t0 = cpu_seconds(pid), time.monotonic()
        rss = []
        minute_cpu = []
        last_cpu, last_t = cpu0, t0
        while time.monotonic() - t0 < args.minutes * 60:
            time.sleep(10)
            rss.append(proc_kb(pid, "VmRSS"))
            if time.monotonic() - last_t >= 60:
                c, t = cpu_seconds(pid), time.monotonic()
                minute_cpu.append(100 * (c - last_cpu) / (t - last_t))
                last_cpu, last_t = c, t
        cpu1, t1 = cpu_seconds(pid), time.monotonic()
        hwm = proc_kb(pid, "VmHWM")
        anon, pss = proc_kb(pid, "RssAnon"), proc_kb(pid, "Pss", "smaps_rollup")
        out = subprocess.run([lull, "status", "--json", "--socket", f"{folder}/control.sock"],
                             capture_output=True, text=True).stdout
        session = json.loads(out).get("session") or {}
        subprocess.run([lull, "stop", "--socket", f"{folder}/control.sock"])
        time.sleep(5)
        process.send_signal(signal.SIGTERM)
        process.wait()
        emulator.terminate()
        print(f"idle, strap connected: {idle_pct:.2f} % of one core over 30 s")
        print(f"session ({(t1 - t0) / 60:.1f} min of a 60-min session, elapsed_s {session.get('elapsed_s')}): "
              f"{100 * (cpu1 - cpu0) / (t1 - t0):.2f} % of one core on average "
              f"(per minute: {', '.join(f'{c:.2f}' for c in minute_cpu)})")
        print(f"resident memory: {rss[0] / 1024:.1f} MB after 10 s, {rss[-1] / 1024:.1f} MB at the end, "
              f"peak (VmHWM) {hwm / 1024:.1f} MB; at the end {anon / 1024:.1f} MB of it anonymous, "
              f"proportional set (Pss) {pss / 1024:.1f} MB")


if __name__ == "__main__":
    main()
