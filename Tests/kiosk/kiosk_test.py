# SPDX-License-Identifier: Apache-2.0
"""The kiosk page in a real browser (headless Chromium through Selenium) against a real `lull daemon`.

The daemon runs a simulated listener (strap.address simulate) with session.time_scale > 1, so a
session's phases pass in seconds. The test reads the daemon's own event stream (/api/events) beside
the page and checks that what the page draws agrees with what the daemon reports:

- Start begins a session (GET /api/status says running, with the chosen minutes and client code);
- the breathing guide (window.lullGuide, written by the page on every animation frame) runs at the
  swell's rate within 5 % and at its phase within 0.1 s. For a page sample taken at Unix time T ms,
  the reference is the newest swell/beat event the test received with wall_ms <= T:
      expected_phase = swell_phase + guide_breaths_per_min / 60 * time_scale * (T - wall_ms) / 1000
      phase_error_turns = the page's phase - expected_phase, wrapped into [-0.5, 0.5)
      phase_error_s = |phase_error_turns| / (guide_breaths_per_min / 60 * time_scale)
  i.e. how far, in wall-clock seconds, the drawn breath is ahead of or behind the heard one;
- the phase words change from "settling in" (match) to "slowing down" (lead);
- a touch on End, then a confirming touch, ends the session and the summary appears, with the
  numbers of the daemon's `summary` event;
- the therapist view refuses a wrong code (and the API refuses a missing one), and with the code
  lists the session and shows its report, the very page GET /api/sessions/{id}/report returns;
- the two pages weigh under 200 KB together and fetch nothing from elsewhere;
- when the daemon stops, the page says Lull is not answering; when it is back, the page reconnects.

Screenshots of the start, session and summary screens at 1280x800 and 800x480 go to --shots.
"""

import argparse
import http.client
import json
import math
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

THERAPIST_CODE = "kiosk-test-7391"
CLIENT_CODE = "kiosk-test"
SIZES = [(1280, 800), (800, 480)]
RATE_TOLERANCE = 0.05
PHASE_TOLERANCE_S = 0.1
PAGE_BUDGET_BYTES = 200 * 1024


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


def wait_for(what, predicate, timeout_s, every_s=0.1):
    """Polls predicate until it returns a truthy value; fails naming `what` after timeout_s."""
    deadline = time.monotonic() + timeout_s
    last_error = None
    while time.monotonic() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except Exception as e:  # a page mid-reload, a daemon not up yet
            last_error = e
        time.sleep(every_s)
    raise Failure(f"timed out after {timeout_s} s waiting for {what}" + (f" (last error: {last_error})" if last_error else ""))


def running_with_id(status):
    """The status once the session's journal row exists. The daemon says "running" as soon as it
    accepts a start, and names the session's id a moment later, when the recording has begun."""
    session = status.get("session") or {}
    return status if status["state"] == "running" and session.get("id") is not None else None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Daemon:
    """`lull daemon --config PATH` as a child process, with its log in the scratch folder."""

    def __init__(self, lull, config_path, scratch, port):
        self.lull, self.config_path, self.scratch, self.port = lull, config_path, scratch, port
        self.process = None
        self.starts = 0

    def start(self):
        self.starts += 1
        log = open(os.path.join(self.scratch, f"daemon-{self.starts}.log"), "wb")
        env = dict(os.environ)
        env["XDG_STATE_HOME"] = os.path.join(self.scratch, "state")
        env["XDG_RUNTIME_DIR"] = os.path.join(self.scratch, "run")
        env.pop("NOTIFY_SOCKET", None)
        env.pop("LISTEN_FDS", None)
        self.process = subprocess.Popen([self.lull, "daemon", "--config", self.config_path], stdout=log, stderr=log, env=env)
        wait_for("the daemon to answer GET /api/status", lambda: self.alive() and http_get(self.port, "/api/status")[0] == 200, 30)

    def alive(self):
        if self.process.poll() is not None:
            raise Failure(f"lull daemon exited with status {self.process.returncode}; log: {self.log_tail()}")
        return True

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                raise Failure("lull daemon did not exit within 30 s of SIGTERM")
        return self.process.returncode if self.process else None

    def log_tail(self):
        path = os.path.join(self.scratch, f"daemon-{self.starts}.log")
        try:
            with open(path, "rb") as f:
                return f.read()[-2000:].decode("utf-8", "replace")
        except OSError:
            return "(no log)"


def http_request(port, method, path, body=None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        data = json.dumps(body).encode() if body is not None else None
        # The test speaks for the kiosk's own page: over TCP, client names and physiology go only
        # to the kiosk's origin (README, "Control API limits and origins").
        h = {"Origin": f"http://127.0.0.1:{port}"}
        h.update(headers or {})
        if data is not None:
            h["Content-Type"] = "application/json"
        conn.request(method, path, body=data, headers=h)
        r = conn.getresponse()
        return r.status, r.read(), r.getheader("Content-Type") or ""
    finally:
        conn.close()


def http_get(port, path, headers=None):
    return http_request(port, "GET", path, headers=headers)


def json_get(port, path):
    status, body, _ = http_get(port, path)
    check(status == 200, f"GET {path} answered {status}: {body[:200]!r}")
    return json.loads(body)


class EventLog:
    """The daemon's /api/events, read by the test itself on a thread: (name, data, received_ms) tuples."""

    def __init__(self, port):
        self.port = port
        self.events = []
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                conn.request("GET", "/api/events", headers={"Accept": "text/event-stream", "Origin": f"http://127.0.0.1:{self.port}"})
                r = conn.getresponse()
                name, data = "message", []
                while True:
                    line = r.fp.readline()
                    if not line:
                        break
                    line = line.decode("utf-8").rstrip("\r\n")
                    if line == "":
                        if data:
                            try:
                                payload = json.loads("\n".join(data))
                            except ValueError:
                                payload = None
                            with self.lock:
                                self.events.append((name, payload, time.time() * 1000))
                        name, data = "message", []
                    elif line.startswith(":"):
                        continue
                    elif line.startswith("event:"):
                        name = line[6:].strip()
                    elif line.startswith("data:"):
                        data.append(line[5:].lstrip(" "))
            except (OSError, http.client.HTTPException):
                pass
            time.sleep(0.5)  # the daemon is restarting, or not up yet

    def of(self, *names):
        with self.lock:
            return [e for e in self.events if e[0] in names]


class Browser:
    def __init__(self):
        options = webdriver.ChromeOptions()
        options.binary_location = os.environ.get("LULL_CHROMIUM", "/usr/bin/chromium")
        for arg in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
                    "--force-device-scale-factor=1", "--window-size=1280,800", "--no-first-run", "--disable-extensions",
                    "--autoplay-policy=no-user-gesture-required"]:
            options.add_argument(arg)
        self.driver = webdriver.Chrome(service=Service(os.environ.get("LULL_CHROMEDRIVER", "/usr/bin/chromedriver")),
                                       options=options)
        self.driver.set_page_load_timeout(30)

    def size(self, width, height):
        # The CSS viewport exactly, as a kiosk panel has it (no window decorations in kiosk mode).
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                    {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})

    def js(self, script, *args):
        return self.driver.execute_script(script, *args)

    def by_id(self, element_id):
        return self.driver.find_element(By.ID, element_id)

    def text(self, element_id):
        return self.js("var e = document.getElementById(arguments[0]); return e ? e.textContent : null;", element_id)

    def shots(self, folder, name):
        paths = []
        for width, height in SIZES:
            self.size(width, height)
            time.sleep(0.6)  # layout and a few animation frames at the new size
            path = os.path.join(folder, f"{name}-{width}x{height}.png")
            check(self.driver.save_screenshot(path), f"screenshot {path} failed")
            paths.append(path)
        self.size(*SIZES[0])
        return paths

    def quit(self):
        self.driver.quit()


class KioskTest:
    def __init__(self, args):
        self.args = args
        self.passed = []
        self.failed = []
        self.figures = {}

    def step(self, name, fn, needs=True):
        """Runs one check; a step whose prerequisite failed is counted as failed without running."""
        if not needs:
            self.failed.append(name)
            print(f"SKIP  {name}: an earlier step it needs failed", flush=True)
            return False
        started = time.monotonic()
        try:
            fn()
            self.passed.append(name)
            print(f"ok    {name} ({time.monotonic() - started:.1f} s)", flush=True)
            return True
        except Exception as e:
            self.failed.append(name)
            print(f"FAIL  {name}: {e}", flush=True)
            if not isinstance(e, Failure):
                traceback.print_exc()
            return False

    # ---- set-up ----

    def write_config(self):
        scratch = self.scratch
        os.makedirs(os.path.join(scratch, "run"), mode=0o700, exist_ok=True)
        path = os.path.join(scratch, "lull.yaml")
        with open(path, "w") as f:
            f.write(f"""# Written by Tests/kiosk/kiosk_test.py for one run.
strap:
  address: simulate
audio:
  device: none
session:
  time_scale: {self.args.time_scale}
  durations_minutes: [10, 20, 30]
journal:
  path: {scratch}/journal.sqlite
control:
  socket_path: {scratch}/run/control.sock
  port: {self.port}
kiosk:
  therapist_code: "{THERAPIST_CODE}"
""")
        return path

    def run(self):
        self.scratch = tempfile.mkdtemp(prefix="lull-kiosk-")
        os.makedirs(self.args.shots, exist_ok=True)
        self.port = free_port()
        self.daemon = Daemon(self.args.lull, self.write_config(), self.scratch, self.port)
        self.browser = None
        try:
            if not self.step("the daemon starts with the kiosk port", self.daemon.start):
                return self.finish()
            self.events = EventLog(self.port)
            if not self.step("headless Chromium starts", self.start_browser):
                return self.finish()
            self.step("the two pages weigh under 200 KB and load nothing from elsewhere", self.page_weight)
            ok = self.step("the start screen shows the strap, the durations and Start", self.start_screen)
            ok = self.step("Start begins a session", self.start_session, ok)
            guide = self.step("the breathing guide keeps the swell's rate and phase (match)",
                              lambda: self.guide_in_step("match"), ok)
            ok = self.step("the phase words change from settling in to slowing down", self.phase_words_change, ok)
            self.step("the breathing guide keeps the swell's rate and phase (lead)", lambda: self.guide_in_step("lead"),
                      ok and guide)
            ok = self.step("End, confirmed, ends the session softly and the summary appears", self.stop_and_summary, ok)
            self.step("the therapist view refuses without the code", self.therapist_refused)
            self.step("the therapist view lists the session and shows its report with the code",
                      self.therapist_report, ok)
            self.step("Find my breathing pace runs an assessment, says the pace in words, and the report shows it",
                      self.find_pace)
            self.step("the page says so when the daemon is gone, and reconnects when it is back", self.daemon_restart)
        finally:
            if self.browser:
                self.browser.quit()
            try:
                self.daemon.stop()
            except Failure as e:
                self.failed.append("the daemon stops on SIGTERM")
                print(f"FAIL  {e}", flush=True)
        return self.finish()

    def start_browser(self):
        self.browser = Browser()

    def finish(self):
        if self.failed:
            print(f"daemon log (tail):\n{self.daemon.log_tail()}", file=sys.stderr)
        for key, value in self.figures.items():
            print(f"figure  {key}: {value}")
        print(f"screenshots in {self.args.shots}")
        print(f"{len(self.passed)} passed, {len(self.failed)} failed")
        return 0 if not self.failed and len(self.passed) == 13 else 1

    # ---- steps ----

    def page_weight(self):
        total = 0
        for path in ["/", "/therapist"]:
            status, body, ctype = http_get(self.port, path)
            check(status == 200, f"GET {path} answered {status}")
            check(ctype.startswith("text/html"), f"GET {path} has Content-Type {ctype!r}, not text/html")
            text = body.decode("utf-8")
            check(text.lstrip().lower().startswith("<!doctype html>"), f"GET {path} is not an HTML document")
            external = re.findall(r"""(?:src|href|url)\s*[=(]\s*["']?(?:https?:)?//[^"'\s)]+""", text)
            check(not external, f"GET {path} refers to other hosts: {external}")
            total += len(body)
        self.figures["page weight (GET / + GET /therapist)"] = f"{total} bytes ({total / 1024:.1f} KB, budget 200 KB)"
        check(total < PAGE_BUDGET_BYTES, f"the pages weigh {total} bytes, over the 200 KB budget")
        client = http_get(self.port, "/")[1].decode()
        check("/api/sessions" not in client, "the client page refers to /api/sessions (other clients' data)")

    def start_screen(self):
        b = self.browser
        b.size(*SIZES[0])
        b.driver.get(f"http://127.0.0.1:{self.port}/")
        wait_for("the page to read the daemon's status", lambda: b.js("return document.body.dataset.state") == "idle", 15)
        check(b.js("return document.body.dataset.screen") == "start", "the page does not open on the start screen")
        check(b.js("return document.body.dataset.strap") == "simulated", "the page does not show the strap state")
        words = b.text("strap-words")
        check(words and "Looking" not in words, f"the strap's state is not in words: {words!r}")
        durations = b.js("return Array.prototype.map.call(document.querySelectorAll('#durations button'),"
                         " function (b) { return Number(b.dataset.minutes); })")
        status = json_get(self.port, "/api/status")
        check(durations == status["durations_min"], f"durations {durations} are not the daemon's {status['durations_min']}")
        palettes = b.js("return Array.prototype.map.call(document.querySelectorAll('#palettes button'),"
                        " function (b) { return b.dataset.palette; })")
        check(len(palettes) >= 4 and palettes == [p["name"] for p in status["palettes"]],
              f"palettes {palettes} are not the daemon's {status['palettes']}")
        check(self.pressed_palette() == status["palette_default"],
              f"{self.pressed_palette()!r} is preselected, not the default {status['palette_default']!r}")
        for element_id in ["start-button", "client"]:
            check(b.by_id(element_id).is_displayed(), f"#{element_id} is not shown")
        # A touch target of at least 48 CSS px (WCAG 2.2 §2.5.8 asks 24; a couch asks more) at the smaller size.
        b.size(*SIZES[1])
        smallest = b.js("return Math.min.apply(null, Array.prototype.map.call("
                        "document.querySelectorAll('#start button'), function (e) {"
                        " var r = e.getBoundingClientRect(); return Math.min(r.width, r.height); }))")
        overflow = b.js("return ['start-button', 'assess-button', 'palettes'].some(function (id) {"
                        " var r = document.getElementById(id).getBoundingClientRect();"
                        " return r.bottom > window.innerHeight || r.right > window.innerWidth; });")
        b.size(*SIZES[0])
        self.figures["smallest start-screen touch target at 800x480"] = f"{smallest:.0f} CSS px"
        b.shots(self.args.shots, "start")  # before the checks, so a failure has its picture
        check(smallest >= 48, f"a start-screen button is only {smallest:.0f} px at 800x480")
        check(not overflow, "the start screen does not fit on an 800x480 screen")

    def pressed_palette(self):
        return self.browser.js("var p = document.querySelector('#palettes button[aria-pressed=\"true\"]');"
                               " return p ? p.dataset.palette : null;")

    def start_session(self):
        b = self.browser
        b.driver.find_element(By.CSS_SELECTOR, '#durations button[data-minutes="10"]').click()
        b.driver.find_element(By.CSS_SELECTOR, '#palettes button[data-palette="piano"]').click()
        b.by_id("client").send_keys(CLIENT_CODE)
        b.by_id("start-button").click()
        status = wait_for("GET /api/status to say running, with the session's journal id",
                          lambda: running_with_id(json_get(self.port, "/api/status")), 15)
        session = status["session"]
        check(session["minutes"] == 10, f"the session runs {session['minutes']} minutes, not the 10 chosen")
        check(session.get("client") == CLIENT_CODE, f"the session's client is {session.get('client')!r}")
        check(session["phase"] == "match", f"a new session is in phase {session['phase']!r}, not match")
        check(session.get("palette") == "piano", f"the session plays palette {session.get('palette')!r}, not the piano chosen")
        self.session_id = session.get("id")
        wait_for("the page to show the session screen", lambda: b.js("return document.body.dataset.screen") == "session", 10)
        check(b.js("return document.getElementById('client').value") == "", "the client code stays in the field")
        wait_for("the page's phase words", lambda: b.text("phase-words") == "settling in", 10)
        wait_for("the breathing guide to run", lambda: b.js("return window.lullGuide") is not None, 10)

    def guide_in_step(self, phase, seconds=6.0):
        b = self.browser
        samples = []
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            s = b.js("var g = window.lullGuide; return g ? {phase: g.phase, rate: g.ratePerMinute, scale: "
                     "document.getElementById('guide').style.transform, atMs: g.atMs,"
                     " words: document.getElementById('phase-words').dataset.phase} : null;")
            if s:
                samples.append(s)
            time.sleep(0.05)
        time.sleep(1.5)  # events with wall_ms before the last sample may still be on their way to the test
        references = sorted((e[1] for e in self.events.of("swell", "beat")
                             if e[1] and isinstance(e[1].get("wall_ms"), (int, float))), key=lambda d: d["wall_ms"])
        check(len(samples) >= 15, f"only {len(samples)} guide samples in {seconds} s: is the page animating?")
        worst_rate, worst_phase_s, worst_scale, compared = 0.0, 0.0, 0.0, 0
        for s in samples:
            if s["words"] != phase:
                continue
            earlier = [d for d in references if d["wall_ms"] <= s["atMs"]]
            check(earlier, f"no swell event before the page's sample at {s['atMs']}")
            ref = earlier[-1]
            check(s["atMs"] - ref["wall_ms"] < 2500, f"the newest swell event is {s['atMs'] - ref['wall_ms']:.0f} ms old")
            rate, time_scale = ref["guide_breaths_per_min"], ref.get("time_scale", 1)
            turns_per_s = rate / 60 * time_scale
            expected = ref["swell_phase"] + turns_per_s * (s["atMs"] - ref["wall_ms"]) / 1000
            error_turns = (s["phase"] - expected + 0.5) % 1.0 - 0.5
            worst_phase_s = max(worst_phase_s, abs(error_turns) / turns_per_s)
            worst_rate = max(worst_rate, abs(s["rate"] - rate) / rate)
            # What is drawn is what is reported: the circle's size follows the swell's gain, sin(2*pi*phase).
            m = re.match(r"scale\(([0-9.]+)\)", s["scale"] or "")
            check(m, f"the guide has no scale transform: {s['scale']!r}")
            drawn = (float(m.group(1)) - 0.55) / 0.45 * 2 - 1
            worst_scale = max(worst_scale, abs(drawn - math.sin(2 * math.pi * s["phase"])))
            compared += 1
        check(compared >= 15, f"only {compared} samples in phase {phase}")
        # The daemon's own swell clock, event to event (a figure, not a check of the page): a jump here
        # would show as a jerk of the circle however exactly the page follows the newest event.
        swells = [d for d in references if d.get("phase") == phase and "t_s" in d]
        jumps = []
        for a, b in zip(swells, swells[1:]):
            turns_per_s = a["guide_breaths_per_min"] / 60 * a.get("time_scale", 1)
            predicted = a["swell_phase"] + turns_per_s * (b["wall_ms"] - a["wall_ms"]) / 1000
            jumps.append(abs((b["swell_phase"] - predicted + 0.5) % 1.0 - 0.5) / turns_per_s)
        if jumps:
            self.figures[f"swell clock continuity ({phase}, {len(jumps)} event pairs)"] = (
                f"max jump {max(jumps) * 1000:.1f} ms, median {sorted(jumps)[len(jumps) // 2] * 1000:.1f} ms")
        self.figures[f"guide vs swell ({phase}, {compared} samples)"] = (
            f"rate error max {worst_rate * 100:.2f} % (limit 5 %), phase error max {worst_phase_s * 1000:.1f} ms"
            f" (limit 100 ms)")
        check(worst_rate <= RATE_TOLERANCE, f"the guide's rate is off by {worst_rate * 100:.1f} %")
        check(worst_phase_s <= PHASE_TOLERANCE_S, f"the guide's phase is off by {worst_phase_s * 1000:.0f} ms")
        check(worst_scale < 0.01, f"the circle's size is not the swell's gain (off by {worst_scale:.3f})")

    def phase_words_change(self):
        b = self.browser
        # Match lasts 180 s of session time; at time_scale N that is 180/N s of wall time.
        limit = 180 / self.args.time_scale + 30
        wait_for("the phase words to say slowing down",
                 lambda: b.js("return document.getElementById('phase-words').dataset.phase") == "lead", limit)
        check(b.text("phase-words") == "slowing down", f"the lead phase reads {b.text('phase-words')!r}")
        status = json_get(self.port, "/api/status")
        check(status["session"]["phase"] == "lead", f"the daemon is in phase {status['session']['phase']!r}")
        check(re.search(r"minutes? left|minute left", b.text("remaining") or ""), f"time left reads {b.text('remaining')!r}")
        b.shots(self.args.shots, "session")

    def stop_and_summary(self):
        b = self.browser
        b.by_id("stop-button").click()
        check(b.text("stop-button") == "Touch again to end", f"a first touch on End shows {b.text('stop-button')!r}")
        check(json_get(self.port, "/api/status")["state"] == "running", "a single touch on End stopped the session")
        b.by_id("stop-button").click()
        wait_for("the summary screen", lambda: b.js("return document.body.dataset.screen") == "summary", 60)
        summaries = [e[1] for e in self.events.of("summary")]
        check(summaries, "the daemon sent no summary event")
        summary = summaries[-1]
        check(self.session_id is None or summary.get("id") == self.session_id,
              f"the summary is of session {summary.get('id')}, not {self.session_id}")
        s = summary.get("summary", summary)
        lines = b.js("return Array.prototype.map.call(document.querySelectorAll('#summary-lines li'),"
                     " function (e) { return e.textContent; })")
        text = " ".join(lines)
        check(text.startswith("You rested for"), f"the summary does not say how long: {lines}")
        for period_key, metric in [("first_5min", "hr_bpm"), ("last_5min", "hr_bpm"),
                                   ("last_5min", "breathing_rate_per_min")]:
            value = (s.get(period_key) or {}).get(metric)
            if isinstance(value, (int, float)):
                check(str(round(value)) in text, f"the summary does not show {period_key}.{metric} = {value}: {lines}")
        wait_for("the daemon to be idle after the summary", lambda: json_get(self.port, "/api/status")["state"] == "idle", 15)
        self.figures["summary shown"] = " / ".join(lines)
        b.shots(self.args.shots, "summary")

    def therapist_refused(self):
        status, body, _ = http_get(self.port, "/api/sessions")
        check(status == 401, f"GET /api/sessions without the code answered {status}")
        b = self.browser
        b.driver.get(f"http://127.0.0.1:{self.port}/therapist")
        b.by_id("code").send_keys("not-the-code")
        b.driver.find_element(By.CSS_SELECTOR, "#code-form button[type=submit]").click()
        wait_for("the refusal", lambda: b.js("return document.body.dataset.view") == "refused", 10)
        message = b.text("message")
        check("not accepted" in message, f"the refusal reads {message!r}")
        check(b.js("return document.querySelectorAll('#sessions tbody tr').length") == 0, "sessions are listed anyway")
        check(not b.by_id("sessions").is_displayed(), "the session table shows without the code")

    def therapist_report(self):
        b = self.browser
        b.by_id("code").clear()
        b.by_id("code").send_keys(THERAPIST_CODE)
        b.driver.find_element(By.CSS_SELECTOR, "#code-form button[type=submit]").click()
        wait_for("the session list", lambda: b.js("return document.body.dataset.view") == "list", 10)
        ids = b.js("return Array.prototype.map.call(document.querySelectorAll('#sessions tbody tr'),"
                   " function (r) { return r.dataset.sessionId; })")
        check(ids, "the therapist view lists no session")
        wanted = str(self.session_id) if self.session_id is not None else ids[0]
        check(wanted in ids, f"session {wanted} is not in the list {ids}")
        row = b.driver.find_element(By.CSS_SELECTOR, f'#sessions tbody tr[data-session-id="{wanted}"]')
        check(CLIENT_CODE in row.text, f"the row does not name the client: {row.text!r}")
        status, report, _ = http_get(self.port, f"/api/sessions/{wanted}/report", {"X-Lull-Therapist-Code": THERAPIST_CODE})
        check(status == 200, f"GET /api/sessions/{wanted}/report with the code answered {status}: {report[:200]!r}")
        check(b"music: piano" in report, "the report does not name the session's palette")
        row.find_element(By.CSS_SELECTOR, "button.report").click()
        wait_for("the report", lambda: b.js("return document.body.dataset.view") == "report", 15)
        srcdoc = b.js("return document.getElementById('report-frame').srcdoc")
        check(srcdoc == report.decode("utf-8"), "the frame does not show the daemon's report")
        b.driver.switch_to.frame(b.by_id("report-frame"))
        shown = b.driver.find_element(By.TAG_NAME, "body").text
        b.driver.switch_to.default_content()
        check(len(shown.strip()) > 20, f"the report frame shows almost nothing: {shown[:80]!r}")
        b.by_id("back").click()
        b.by_id("lock").click()
        check(b.js("return document.querySelectorAll('#sessions tbody tr').length") == 0, "Lock leaves sessions listed")

    def find_pace(self):
        try:
            self.find_pace_checks()
        finally:
            # Whatever failed, the next step starts from an idle daemon.
            if json_get(self.port, "/api/status")["state"] == "running":
                http_request(self.port, "POST", "/api/stop", {})
                wait_for("the daemon to be idle", lambda: json_get(self.port, "/api/status")["state"] == "idle", 15)

    def find_pace_checks(self):
        b = self.browser
        b.size(*SIZES[0])
        b.driver.get(f"http://127.0.0.1:{self.port}/")
        wait_for("the start screen", lambda: b.js("return document.body.dataset.state") == "idle"
                 and b.js("return document.body.dataset.screen") == "start", 15)
        wait_for("'Find my breathing pace' on the start screen", lambda: b.by_id("assess-button").is_displayed(), 5)
        check(b.text("assess-button") == "Find my breathing pace", f"the button says {b.text('assess-button')!r}")
        check(self.pressed_palette() == json_get(self.port, "/api/status")["palette_default"],
              "the start screen does not return to the default palette")
        b.by_id("client").send_keys(CLIENT_CODE)
        # The client chose the piano last time: their code brings it back (GET /api/palette).
        wait_for("the client's last palette to be preselected", lambda: self.pressed_palette() == "piano", 10)
        b.by_id("assess-button").click()
        status = wait_for("GET /api/status to say running, with the session's journal id",
                          lambda: running_with_id(json_get(self.port, "/api/status")), 15)
        assess_id = status["session"]["id"]
        # Settle a minute, then five paced steps of 2 minutes: 11 minutes of session time.
        step_words = wait_for("the step in words", lambda: (lambda w: w if w and w.startswith("step ") else None)(
            b.text("phase-words")), 60 * 3 / self.args.time_scale + 20)
        check(re.fullmatch(r"step \d( of 5)?: breathe with the music, \d\.\d a minute", step_words),
              f"the step reads {step_words!r}")
        words = wait_for("the pace in plain words", lambda: b.text("assessment-result"), 11 * 60 / self.args.time_scale + 60)
        self.figures["assessment on the kiosk"] = f"{step_words!r} ... {words!r}"
        check(re.fullmatch(r"Your pace is about [4-7]\.\d breaths a minute\.", words), f"the result reads {words!r}")
        b.shots(self.args.shots, "assessment")
        status, report, _ = http_get(self.port, f"/api/sessions/{assess_id}/report",
                                     {"X-Lull-Therapist-Code": THERAPIST_CODE})
        check(status == 200, f"the assessment's report answered {status}")
        path = os.path.join(self.scratch, "assessment-report.html")
        with open(path, "wb") as f:
            f.write(report)
        b.driver.get("file://" + path)
        heading = b.js("var h = document.querySelector('section.assessment h2'); return h ? h.textContent : null;")
        check(heading and heading.startswith("Breathing pace"), f"the report has no assessment section: {heading!r}")
        bars = b.js("return document.querySelectorAll('section.assessment svg rect').length")
        check(bars >= 5, f"the assessment chart draws {bars} bars for five steps")
        overflow = b.js("var s = document.querySelector('section.assessment').getBoundingClientRect();"
                        " var t = document.querySelector('section.assessment table').getBoundingClientRect();"
                        " return t.right - s.right;")
        check(overflow <= 0, f"the steps table overflows its section by {overflow:.0f} px at 1280 px")
        b.shots(self.args.shots, "assessment-report")

    def daemon_restart(self):
        b = self.browser
        b.driver.get(f"http://127.0.0.1:{self.port}/")
        wait_for("the start screen", lambda: b.js("return document.body.dataset.state") == "idle", 15)
        code = self.daemon.stop()
        check(code == 0, f"lull daemon exited with status {code} on SIGTERM")
        wait_for("the page to say Lull is not answering", lambda: b.by_id("unreachable").is_displayed(), 20)
        check("not answering" in b.text("unreachable"), f"the notice reads {b.text('unreachable')!r}")
        b.driver.save_screenshot(os.path.join(self.args.shots, "unreachable-1280x800.png"))
        self.daemon.start()
        wait_for("the page to reconnect", lambda: not b.by_id("unreachable").is_displayed()
                 and b.js("return document.body.dataset.connection") == "open", 30)
        check(b.js("return document.body.dataset.screen") == "start", "after the restart the page is not on its start screen")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lull", required=True, help="the lull executable (a release build)")
    parser.add_argument("--shots", default="/tmp/lull-kiosk-shots", help="folder for the screenshots")
    parser.add_argument("--time-scale", type=float, default=10, help="session.time_scale of the simulated session")
    args = parser.parse_args()
    sys.exit(KioskTest(args).run())


if __name__ == "__main__":
    main()
