(function () {
  'use strict';

  var PHASE_WORDS = { match: 'settling in', lead: 'slowing down', hold: 'resting', close: 'coming back' };
  // The strap in plain words, and whether the client needs to do something (wait) or not (ok).
  var STRAP_WORDS = {
    simulated: ['Ready. No strap is needed today.', 'ok'],
    searching: ['Strap not found yet. Put it on; it connects by itself.', 'wait'],
    connecting: ['Strap found. Connecting\u2026', 'wait'],
    connected: ['Strap connected.', 'ok'],
    no_contact: ['Strap found. Put it on, snug just below your chest.', 'wait'],
    lost: ['Strap not found. Put it on, or bring it a little closer.', 'wait'],
    unavailable: ['This kiosk cannot reach the strap yet. Please ask for help.', 'wait']
  };
  var SUMMARY_SCREEN_MS = 60000;   // the summary stays a minute, then the start screen returns
  var STOP_CONFIRM_MS = 5000;      // a first touch on End arms it for this long
  var UNREACHABLE_AFTER_MS = 2500; // a daemon restart shorter than this is not worth a notice
  var CHECK_EVERY_MS = 10000;      // status re-read: catches missed changes and a silent stream
  var REQUEST_TIMEOUT_MS = 6000;

  var $ = function (id) { return document.getElementById(id); };
  var body = document.body;
  var screens = { start: $('start'), session: $('session'), summary: $('summary') };
  var guideEl = $('guide'), cueEl = $('cue'), phaseEl = $('phase-words'), remainingEl = $('remaining');
  var startButton = $('start-button'), stopButton = $('stop-button'), clientInput = $('client');

  var ui = {
    screen: 'start',
    sessionId: null,
    minutes: null,
    durationsKey: '',
    palette: null,          // the palette Start sends
    paletteDefault: null,   // session.palette: preselected for a client with no earlier choice
    paletteChosen: false,   // touched by hand since the start screen showed: not overridden
    palettesKey: '',
    paletteLookup: null,
    startPendingUntil: 0,
    summaryTimer: null,
    stopTimer: null,
    wakeLock: null
  };
  var anchor = null;        // the newest swell clock: {phase, rate, timeScale, wallMs}
  var trend = [];           // RMSSD means per stretch of session time, for the soft trend line
  var lastStrap = null;

  window.lullGuide = null;

  // ---- screens ----

  function showScreen(name) {
    if (ui.screen === 'summary' && name !== 'summary') { clearTimeout(ui.summaryTimer); ui.summaryTimer = null; }
    Object.keys(screens).forEach(function (key) { screens[key].hidden = key !== name; });
    ui.screen = name;
    body.dataset.screen = name;
    if (name === 'session') { keepAwake(); } else { letSleep(); }
    if (name === 'start') {
      clientInput.value = '';
      ui.paletteChosen = false;
      selectPalette(ui.paletteDefault);
      ui.sessionId = null;
      anchor = null;
    }
  }

  function enterSession(id) {
    if (ui.screen === 'session') { if (id != null) { ui.sessionId = id; } return; }
    ui.sessionId = id == null ? null : id;
    anchor = null;
    trend = [];
    $('heart').textContent = '';
    $('trend-box').hidden = true;
    remainingEl.innerHTML = '&nbsp;';
    showPhase('match');
    disarmStop();
    stopButton.disabled = false;
    stopButton.hidden = false;
    showScreen('session');
    showStrapDrop(lastStrap);
  }

  // ---- before ----

  function showStrap(strap, audio) {
    if (!strap || typeof strap !== 'object') { return; }
    lastStrap = strap;
    var words = STRAP_WORDS[strap.state] || ['Strap: ' + String(strap.state), 'wait'];
    var text = words[0];
    if (typeof strap.battery_pct === 'number') { text += ' Battery ' + Math.round(strap.battery_pct) + ' %.'; }
    // What the kiosk waits for (no adapter, no sound card), in the daemon's words, for staff.
    var missing = [strap.detail, audio && audio.detail].filter(function (x) { return typeof x === 'string'; });
    if (missing.length) { text += ' (' + missing.join('; ') + ')'; }
    $('strap-words').textContent = text;
    $('strap').dataset.tone = words[1];
    body.dataset.strap = String(strap.state);
    if (ui.screen === 'session') { showStrapDrop(strap); }
  }

  function renderDurations(list) {
    var minutes = list.filter(function (m) { return typeof m === 'number' && m > 0; });
    var key = minutes.join(',');
    if (key === ui.durationsKey || minutes.length === 0) { return; }
    ui.durationsKey = key;
    if (minutes.indexOf(ui.minutes) < 0) {
      ui.minutes = minutes.indexOf(20) >= 0 ? 20 : minutes[Math.floor((minutes.length - 1) / 2)];
    }
    var box = $('durations');
    box.textContent = '';
    minutes.forEach(function (m) {
      var b = document.createElement('button');
      b.type = 'button';
      b.textContent = m + ' min';
      b.dataset.minutes = String(m);
      b.setAttribute('aria-pressed', String(m === ui.minutes));
      b.addEventListener('click', function () {
        ui.minutes = m;
        Array.prototype.forEach.call(box.children, function (c) {
          c.setAttribute('aria-pressed', String(c === b));
        });
      });
      box.appendChild(b);
    });
  }

  // The music: one button per palette, the configured default preselected; a client's code, once
  // typed, preselects their last choice (GET /api/palette) unless a palette was touched by hand.
  function renderPalettes(list, defaultName) {
    var names = list.filter(function (p) { return p && typeof p.name === 'string'; });
    var key = names.map(function (p) { return p.name; }).join(',') + '/' + defaultName;
    if (key === ui.palettesKey || names.length === 0) { return; }
    ui.palettesKey = key;
    ui.paletteDefault = defaultName;
    var box = $('palettes');
    box.textContent = '';
    names.forEach(function (p) {
      var b = document.createElement('button');
      b.type = 'button';
      b.textContent = p.title || p.name;
      b.title = p.summary || '';
      b.dataset.palette = p.name;
      b.addEventListener('click', function () {
        ui.paletteChosen = true;
        selectPalette(p.name);
      });
      box.appendChild(b);
    });
    selectPalette(ui.palette && names.some(function (p) { return p.name === ui.palette; }) ? ui.palette : defaultName);
  }

  function selectPalette(name) {
    if (!name) { return; }
    ui.palette = name;
    Array.prototype.forEach.call($('palettes').children, function (c) {
      c.setAttribute('aria-pressed', String(c.dataset.palette === name));
    });
  }

  clientInput.addEventListener('input', function () {
    clearTimeout(ui.paletteLookup);
    var code = clientInput.value.trim();
    ui.paletteLookup = setTimeout(function () {
      if (ui.paletteChosen) { return; }
      if (!code) { selectPalette(ui.paletteDefault); return; }
      call('GET', '/api/palette?client=' + encodeURIComponent(code)).then(function (r) {
        if (r.status === 200 && r.data && !ui.paletteChosen && clientInput.value.trim() === code) {
          selectPalette(r.data.palette);
        }
      }, function () {});
    }, 350);
  });

  function showStartError(text) {
    var el = $('start-error');
    el.textContent = text;
    el.hidden = false;
  }

  startButton.addEventListener('click', function () {
    if (startButton.disabled) { return; }
    startButton.disabled = true;
    startButton.textContent = 'Starting\u2026';
    $('start-error').hidden = true;
    var request = {};
    if (ui.minutes != null) { request.minutes = ui.minutes; }
    var code = clientInput.value.trim();
    if (code) { request.client = code; }
    if (ui.palette) { request.palette = ui.palette; }
    call('POST', '/api/start', request).then(function (r) {
      if (r.status === 202) {
        ui.startPendingUntil = Date.now() + REQUEST_TIMEOUT_MS;
        clientInput.value = ''; // the next person at the kiosk does not see it
        enterSession(r.data && r.data.id);
      } else if (r.status === 409) {
        refreshStatus();
      } else {
        showStartError((r.data && r.data.error) || 'Lull could not start the session.');
      }
    }, function () {
      unreachable();
      showStartError('Lull is not answering. Please try again in a moment.');
    }).then(function () {
      startButton.disabled = false;
      startButton.textContent = 'Start';
    });
  });

  // ---- during ----

  function showPhase(phase) {
    if (!phase || phaseEl.dataset.phase === phase) { return; }
    phaseEl.dataset.phase = phase;
    phaseEl.textContent = PHASE_WORDS[phase] || phase;
  }

  function showRemaining(seconds) {
    if (typeof seconds !== 'number' || !isFinite(seconds)) { return; }
    var text;
    if (body.dataset.state === 'ending') { text = 'ending gently'; }
    else if (seconds >= 90) { text = Math.round(seconds / 60) + ' minutes left'; }
    else if (seconds >= 45) { text = 'about a minute left'; }
    else { text = 'less than a minute left'; }
    remainingEl.textContent = text;
  }

  function showStrapDrop(strap) {
    var el = $('strap-drop');
    var state = strap && strap.state;
    if (state === 'searching' || state === 'connecting' || state === 'lost' || state === 'unavailable') {
      el.textContent = 'Looking for your strap; the music continues.';
      el.hidden = false;
    } else if (state === 'no_contact') {
      el.textContent = 'The strap cannot feel your heartbeat; the music continues.';
      el.hidden = false;
    } else {
      el.hidden = true;
    }
  }

  function takeAnchor(d) {
    if (typeof d.swell_phase !== 'number' || typeof d.wall_ms !== 'number'
        || typeof d.guide_breaths_per_min !== 'number') { return; }
    if (anchor && d.wall_ms < anchor.wallMs) { return; } // an older event, late
    anchor = {
      phase: d.swell_phase,
      rate: d.guide_breaths_per_min,
      timeScale: typeof d.time_scale === 'number' && d.time_scale > 0 ? d.time_scale : 1,
      wallMs: d.wall_ms
    };
  }

  function onSwell(d) {
    if (ui.screen === 'start') { enterSession(d.session_id); }
    if (ui.screen !== 'session') { return; }
    takeAnchor(d);
    showPhase(d.phase);
    showRemaining(d.remaining_s);
  }

  function onBeat(d) {
    onSwell(d);
    if (ui.screen !== 'session') { return; }
    if (typeof d.hr_bpm === 'number') { $('heart').textContent = 'heart ' + Math.round(d.hr_bpm) + ' a minute'; }
    if (typeof d.rmssd_ms === 'number' && typeof d.t_s === 'number') { addTrend(d.t_s, d.rmssd_ms); }
  }

  // The trend is a mean per 20 s of session time: beat-to-beat detail would make it a jittery score.
  function addTrend(seconds, rmssd) {
    var bucket = Math.floor(seconds / 20);
    var last = trend[trend.length - 1];
    if (last && last.bucket === bucket) { last.sum += rmssd; last.n += 1; }
    else { trend.push({ bucket: bucket, sum: rmssd, n: 1 }); }
    if (trend.length > 240) { trend.shift(); }
    if (trend.length < 3) { return; }
    var values = trend.map(function (p) { return p.sum / p.n; });
    var low = Math.min.apply(null, values), high = Math.max.apply(null, values);
    var span = Math.max(high - low, 10); // a flat line for small wobbles, not a drama
    var points = values.map(function (v, i) {
      return (i / (values.length - 1) * 100).toFixed(1) + ',' + (27 - (v - low) / span * 24).toFixed(1);
    });
    $('trend').firstChild.setAttribute('points', points.join(' '));
    $('trend-box').hidden = false;
  }

  function disarmStop() {
    clearTimeout(ui.stopTimer);
    ui.stopTimer = null;
    stopButton.classList.remove('armed');
    stopButton.textContent = 'End';
  }

  stopButton.addEventListener('click', function () {
    if (!stopButton.classList.contains('armed')) {
      stopButton.classList.add('armed');
      stopButton.textContent = 'Touch again to end';
      ui.stopTimer = setTimeout(disarmStop, STOP_CONFIRM_MS);
      return;
    }
    disarmStop();
    stopButton.disabled = true;
    stopButton.textContent = 'Ending gently\u2026';
    call('POST', '/api/stop', {}).then(function (r) {
      if (r.status !== 202) { refreshStatus(); }
    }, function () {
      unreachable();
      stopButton.disabled = false;
      stopButton.textContent = 'End';
    });
  });

  function frame() {
    var now = Date.now();
    if (ui.screen === 'session' && anchor) {
      var turnsPerMs = anchor.rate / 60 * anchor.timeScale / 1000;
      var phase = anchor.phase + turnsPerMs * (now - anchor.wallMs);
      phase -= Math.floor(phase);
      var swell = Math.sin(2 * Math.PI * phase);   // the music's gain curve: loudest at 0.25
      var rising = Math.cos(2 * Math.PI * phase);  // > 0 while the swell grows
      guideEl.style.transform = 'scale(' + (0.55 + 0.45 * (1 + swell) / 2).toFixed(4) + ')';
      guideEl.style.opacity = (0.62 + 0.38 * (1 + swell) / 2).toFixed(3);
      var cue = rising > 0 ? 'breathe in' : 'breathe out';
      if (cueEl.textContent !== cue) { cueEl.textContent = cue; }
      cueEl.style.opacity = (Math.min(1, Math.abs(rising) * 1.8) * 0.8).toFixed(3);
      window.lullGuide = { phase: phase, ratePerMinute: anchor.rate, timeScale: anchor.timeScale, atMs: now };
    } else {
      if (window.lullGuide !== null) {
        guideEl.style.transform = '';
        guideEl.style.opacity = '';
        cueEl.style.opacity = '0';
      }
      window.lullGuide = null;
    }
    window.requestAnimationFrame(frame);
  }

  function keepAwake() {
    if (ui.wakeLock || !navigator.wakeLock) { return; }
    navigator.wakeLock.request('screen').then(function (lock) { ui.wakeLock = lock; }, function () {});
  }

  function letSleep() {
    if (ui.wakeLock) { ui.wakeLock.release().catch(function () {}); ui.wakeLock = null; }
  }

  // ---- after ----

  function pluralMinutes(seconds) {
    if (seconds < 60) { return 'less than a minute'; }
    var m = Math.round(seconds / 60);
    return m === 1 ? 'one minute' : m + ' minutes';
  }

  // "slowed from A to B" when it fell, else a steady sentence: no line ever reads as a failure.
  function change(before, after, fell, steady, unit) {
    if (typeof before !== 'number' || typeof after !== 'number') { return null; }
    var from = Math.round(before), to = Math.round(after);
    return to < from
      ? fell + ' from <strong>' + from + '</strong> to <strong>' + to + '</strong> ' + unit + '.'
      : steady + ' <strong>' + to + '</strong> ' + unit + '.';
  }

  function showSummary(d) {
    var s = d && typeof d.summary === 'object' && d.summary ? d.summary : (d || {});
    var first = s.first_5min || {}, last = s.last_5min || {};
    var lines = [];
    if (typeof s.duration_s === 'number') {
      lines.push('You rested for <strong>' + pluralMinutes(s.duration_s) + '</strong>.');
    }
    // Calm only where breathing is calm (12/min or slower); faster breathing that did not
    // slow is said as it was, never called calm.
    var calm = typeof last.breathing_rate_per_min === 'number' && Math.round(last.breathing_rate_per_min) <= 12;
    lines.push(change(first.breathing_rate_per_min, last.breathing_rate_per_min, 'Your breathing slowed',
      calm ? 'Your breathing was calm, about' : 'Your breathing stayed at about', 'breaths a minute'));
    lines.push(change(first.hr_bpm, last.hr_bpm, 'Your heart rate eased', 'Your heart rate stayed steady, around',
      'beats a minute'));
    lines = lines.filter(Boolean);
    $('summary-lines').innerHTML = lines.map(function (l) { return '<li>' + l + '</li>'; }).join('');
    screens.summary.dataset.sessionId = d && d.id != null ? String(d.id) : '';
    showScreen('summary');
    clearTimeout(ui.summaryTimer);
    ui.summaryTimer = setTimeout(function () { showScreen('start'); }, SUMMARY_SCREEN_MS);
  }

  function onSummary(d) {
    if (ui.screen !== 'session') { return; } // only the session this screen was showing
    showSummary(d);
  }

  $('done-button').addEventListener('click', function () { showScreen('start'); });

  // ---- the daemon's state ----

  function applyStatus(st) {
    if (!st || typeof st !== 'object') { return; }
    body.dataset.state = String(st.state);
    showStrap(st.strap, st.audio);
    if (Array.isArray(st.durations_min)) { renderDurations(st.durations_min); }
    if (Array.isArray(st.palettes)) { renderPalettes(st.palettes, st.palette_default); }
    if (st.state === 'running' || st.state === 'ending') {
      var session = st.session || {};
      if (ui.screen !== 'summary' || ui.sessionId !== session.id) { enterSession(session.id); }
      if (ui.screen !== 'session') { return; }
      showPhase(session.phase);
      showRemaining(session.remaining_s);
      if (st.state === 'ending') { stopButton.hidden = true; }
    } else if (st.state === 'idle' && ui.screen === 'session' && Date.now() > ui.startPendingUntil) {
      // The session ended while the page was not listening (a restart, a lost stream).
      var last = st.last_summary;
      if (last && (ui.sessionId == null || last.id == null || last.id === ui.sessionId)) { showSummary(last); }
      else { showScreen('start'); }
    }
  }

  function call(method, path, json) {
    var abort = new AbortController();
    var timer = setTimeout(function () { abort.abort(); }, REQUEST_TIMEOUT_MS);
    var init = { method: method, cache: 'no-store', signal: abort.signal, headers: {} };
    if (json !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(json);
    }
    return fetch(path, init).then(function (r) {
      return r.text().then(function (text) {
        var data = null;
        try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
        return { status: r.status, data: data };
      });
    }).then(function (r) { clearTimeout(timer); answering(); return r; },
      function (e) { clearTimeout(timer); throw e; });
  }

  function refreshStatus() {
    call('GET', '/api/status').then(function (r) {
      if (r.status === 200) { applyStatus(r.data); }
    }, unreachable);
  }

  // ---- staying connected ----

  var events = null, reconnectTimer = null, noticeTimer = null, lastEventAt = 0;

  function answering() {
    clearTimeout(noticeTimer);
    noticeTimer = null;
    $('unreachable').hidden = true;
    body.dataset.connection = 'open';
  }

  function unreachable() {
    if (body.dataset.connection === 'open') { body.dataset.connection = 'trying'; }
    if (noticeTimer !== null || !$('unreachable').hidden) { return; }
    noticeTimer = setTimeout(function () {
      noticeTimer = null;
      $('unreachable').hidden = false;
      body.dataset.connection = 'lost';
      $('strap-words').textContent = 'Waiting for Lull\u2026'; // the last strap state may be stale
      $('strap').dataset.tone = 'wait';
    }, UNREACHABLE_AFTER_MS);
  }

  function listen(name, handle) {
    events.addEventListener(name, function (e) {
      lastEventAt = Date.now();
      answering();
      var data;
      try { data = JSON.parse(e.data); } catch (x) { return; }
      if (data && typeof data === 'object') { handle(data); }
    });
  }

  // EventSource reconnects by itself after a dropped stream; if it gives up (CLOSED, e.g. the
  // daemon answered with an error while starting), a new one is made after a pause.
  function connect() {
    clearTimeout(reconnectTimer);
    reconnectTimer = null;
    if (events) { events.close(); }
    events = new EventSource('/api/events');
    events.onopen = function () { lastEventAt = Date.now(); answering(); refreshStatus(); };
    events.onerror = function () {
      unreachable();
      if (events && events.readyState === EventSource.CLOSED) {
        events.close();
        events = null;
        reconnectTimer = setTimeout(connect, 3000);
      }
    };
    listen('status', applyStatus);
    listen('swell', onSwell);
    listen('beat', onBeat);
    listen('summary', onSummary);
  }

  // Swell events come every second during a session; a longer silence means a stalled stream.
  setInterval(function () {
    refreshStatus();
    var silent = Date.now() - lastEventAt > CHECK_EVERY_MS;
    if (!events && reconnectTimer === null) { connect(); }
    else if (events && ui.screen === 'session' && body.dataset.state !== 'idle' && silent) { connect(); }
  }, CHECK_EVERY_MS);

  connect();
  refreshStatus();
  window.requestAnimationFrame(frame);
})();
