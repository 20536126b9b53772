(function () {
  'use strict';
  var $ = function (id) { return document.getElementById(id); };
  var button = $('assess-button');
  var result = null;

  function stepWords(d) {
    if (d.phase === 'settle') { return 'breathe at your own pace'; }
    if (typeof d.step_index !== 'number' || typeof d.step_breaths_per_min !== 'number') { return null; }
    var total = typeof d.steps === 'number' ? ' of ' + d.steps : '';
    return 'step ' + (d.step_index + 1) + total + ': breathe with the music, '
      + d.step_breaths_per_min.toFixed(1) + ' a minute';
  }

  function showStep(d) {
    var words = stepWords(d);
    if (!words) { return; }
    var phase = $('phase-words');
    phase.dataset.phase = d.phase;
    phase.textContent = words;
  }

  function showResult() {
    if (!result) { return; }
    var list = $('summary-lines');
    var old = $('assessment-result');
    if (old) { old.remove(); }
    var li = document.createElement('li');
    li.id = 'assessment-result';
    li.textContent = result;
    list.insertBefore(li, list.firstChild);
  }

  button.addEventListener('click', function () {
    if (button.disabled) { return; }
    button.disabled = true;
    var request = { plan: 'assess' };
    var code = $('client').value.trim();
    if (code) { request.client = code; }
    result = null;
    fetch('/api/start', { method: 'POST', cache: 'no-store', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(request) }).then(function (r) {
      return r.json().catch(function () { return null; }).then(function (data) {
        if (r.status !== 202) {
          var el = $('start-error');
          el.textContent = (data && data.error) || 'Lull could not start.';
          el.hidden = false;
        }
      });
    }, function () {}).then(function () { button.disabled = false; });
  });

  // The closing screen is rebuilt by the page's own script; the result is put back on top.
  new MutationObserver(function () { if (!$('assessment-result')) { showResult(); } })
    .observe($('summary-lines'), { childList: true });

  var events = new EventSource('/api/events');
  events.addEventListener('beat', function (e) {
    try { var d = JSON.parse(e.data); if (d.step_left_s !== undefined) { showStep(d); } } catch (x) {}
  });
  events.addEventListener('status', function (e) {
    try {
      var st = JSON.parse(e.data);
      var a = st && st.session && st.session.assessment;
      if (a) { showStep(a); }
    } catch (x) {}
  });
  events.addEventListener('resonance', function (e) {
    try { var d = JSON.parse(e.data); result = d.words; showResult(); } catch (x) {}
  });
})();
