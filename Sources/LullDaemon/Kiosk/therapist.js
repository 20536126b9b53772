(function () {
  'use strict';
  var LOCK_AFTER_MS = 15 * 60 * 1000;
  var $ = function (id) { return document.getElementById(id); };
  var code = null, lockTimer = null;

  function say(text, tone) {
    $('message').textContent = text;
    $('message').dataset.tone = tone || '';
  }

  function lock(text, tone) {
    code = null;
    $('code').value = '';
    $('sessions').hidden = true;
    $('sessions').tBodies[0].textContent = '';
    $('report-frame').srcdoc = '';
    $('report-view').hidden = true;
    $('filter-form').hidden = true;
    $('lock').hidden = true;
    $('code-form').hidden = false;
    document.body.dataset.view = 'locked';
    say(text || 'Enter the access code to see sessions and reports.', tone);
  }

  function touch() {
    clearTimeout(lockTimer);
    if (code !== null) { lockTimer = setTimeout(function () { lock('Locked after a quiet while.'); }, LOCK_AFTER_MS); }
  }
  ['pointerdown', 'keydown'].forEach(function (t) { document.addEventListener(t, touch); });

  function errorText(text) {
    try { var e = JSON.parse(text); if (e && typeof e.error === 'string') { return e.error; } } catch (x) {}
    return '';
  }

  // Every therapist request carries the code; a 401 locks the page again with the daemon's reason.
  function get(path) {
    return fetch(path, { headers: { 'X-Lull-Therapist-Code': code || '' }, cache: 'no-store' })
      .then(function (r) { return r.text().then(function (t) { return { status: r.status, text: t }; }); })
      .then(function (r) {
        if (r.status === 401) {
          var reason = errorText(r.text);
          lock((code ? 'That access code was not accepted.' : 'The access code is needed.')
            + (reason ? ' (' + reason + ')' : ''), 'refused');
          document.body.dataset.view = 'refused';
          return null;
        }
        if (r.status !== 200) { say(errorText(r.text) || 'Lull answered ' + r.status + '.', 'refused'); return null; }
        return r.text;
      }, function () { say('Lull is not answering; please try again in a moment.', 'refused'); return null; });
  }

  function number(v, digits) { return typeof v === 'number' ? v.toFixed(digits) : '\u2014'; }
  function pair(p, digits) { p = p || {}; return number(p.first, digits) + ' \u2192 ' + number(p.last, digits); }
  function length(seconds) {
    if (typeof seconds !== 'number') { return '\u2014'; }
    var s = Math.round(seconds);
    return Math.floor(s / 60) + ':' + String(s % 60).padStart(2, '0');
  }
  function when(iso) {
    var d = new Date(iso);
    return isNaN(d.getTime()) ? String(iso || '') : d.toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' });
  }
  function cell(row, text, cls) {
    var td = document.createElement('td');
    td.textContent = text;
    if (cls) { td.className = cls; }
    row.appendChild(td);
  }

  function list() {
    var query = ['since=' + encodeURIComponent($('since').value)];
    var client = $('client').value.trim();
    if (client) { query.push('client=' + encodeURIComponent(client)); }
    say('Reading the journal\u2026');
    get('/api/sessions?' + query.join('&')).then(function (text) {
      if (text === null) { return; }
      var sessions;
      try { sessions = JSON.parse(text); } catch (e) { say('The session list could not be read.', 'refused'); return; }
      if (!Array.isArray(sessions)) { say('The session list could not be read.', 'refused'); return; }
      document.body.dataset.view = 'list';
      $('code-form').hidden = true;
      $('filter-form').hidden = false;
      $('lock').hidden = false;
      var tbody = $('sessions').tBodies[0];
      tbody.textContent = '';
      sessions.forEach(function (s) {
        var row = document.createElement('tr');
        row.dataset.sessionId = String(s.id);
        cell(row, when(s.started_at));
        cell(row, s.client || '\u2014');
        cell(row, length(s.duration_s), 'num');
        cell(row, String(s.outcome || '').replace(/_/g, ' '));
        cell(row, pair(s.hr_bpm, 0) + ' bpm', 'num');
        cell(row, pair(s.rmssd_ms, 0) + ' ms', 'num');
        cell(row, pair(s.breathing_rate_per_min, 1) + ' /min', 'num');
        var td = document.createElement('td');
        var open = document.createElement('button');
        open.type = 'button';
        open.textContent = 'Report';
        open.className = 'report';
        open.addEventListener('click', function () { report(s); });
        td.appendChild(open);
        row.appendChild(td);
        tbody.appendChild(row);
      });
      $('sessions').hidden = sessions.length === 0;
      say(sessions.length === 0 ? 'No sessions in this time.'
        : sessions.length === 1 ? 'One session.' : sessions.length + ' sessions.');
    });
  }

  function report(s) {
    say('Opening the report\u2026');
    get('/api/sessions/' + encodeURIComponent(s.id) + '/report').then(function (html) {
      if (html === null) { return; }
      $('report-title').textContent = (s.client || 'Session ' + s.id) + ', ' + when(s.started_at);
      $('report-frame').srcdoc = html;
      $('report-view').hidden = false;
      document.body.dataset.view = 'report';
      say('');
    });
  }

  $('code-form').addEventListener('submit', function (e) {
    e.preventDefault();
    code = $('code').value;
    touch();
    list();
  });
  $('filter-form').addEventListener('submit', function (e) { e.preventDefault(); list(); });
  $('lock').addEventListener('click', function () { lock(); });
  $('back').addEventListener('click', function () {
    $('report-view').hidden = true;
    $('report-frame').srcdoc = '';
    document.body.dataset.view = 'list';
  });
  $('print').addEventListener('click', function () {
    var w = $('report-frame').contentWindow;
    if (w) { w.print(); }
  });
})();
