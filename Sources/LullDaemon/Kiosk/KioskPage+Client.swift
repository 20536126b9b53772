// SPDX-License-Identifier: Apache-2.0

extension KioskPage {
    /// The client's page: before a session (strap, duration, optional code, Start), during it (the
    /// breathing guide, the phase in words, time left, a soft sense of progress, End) and after it
    /// (a short, kind summary). The three screens are `<main data-screen=...>` elements; the body's
    /// `data-screen`, `data-state`, `data-strap` and `data-connection` say which one shows and why,
    /// for people styling it and for the kiosk test.
    static let clientHTML: String =
        head(title: "Lull") + clientStyle + assessmentStyle + "</style>\n</head>\n" + clientBody + "<script>\n"
        + clientScript + "</script>\n<script>\n" + assessmentScript + "</script>\n</body>\n</html>\n"

    static let clientStyle: String = #"""
        .screen {
          position: absolute;
          inset: 0;
          display: flex;
          flex-direction: column;
          align-items: center;
          justify-content: center;
          padding: 4vh 5vw;
          animation: appear 1.2s ease both;
        }
        @keyframes appear { from { opacity: 0; } to { opacity: 1; } }
        .brand {
          position: absolute;
          top: 3.5vh;
          left: 4vw;
          letter-spacing: 0.3em;
          text-transform: lowercase;
          color: var(--text-faint);
          font-size: 0.8rem;
        }

        /* Before: one column, evenly spaced, the Start button the largest thing on the screen. */
        #start { gap: 3.2vh; padding-top: 10vh; } /* room above for the notice when Lull is not answering */
        #start h1 { font-size: 1.75rem; text-align: center; }
        .strap {
          display: flex;
          align-items: center;
          gap: 0.7rem;
          margin: 0;
          padding: 0.5rem 1.3rem;
          border-radius: 2rem;
          background: var(--bg-raised);
          color: var(--text-soft);
          font-size: 1rem;
          text-align: center;
        }
        .dot {
          flex: none;
          width: 0.7rem;
          height: 0.7rem;
          border-radius: 50%;
          background: var(--wait);
          box-shadow: 0 0 0.6rem var(--wait);
          animation: breathe-dot 4s ease-in-out infinite;
        }
        .strap[data-tone="ok"] .dot { background: var(--calm); box-shadow: 0 0 0.6rem var(--calm); animation: none; }
        @keyframes breathe-dot { 50% { opacity: 0.35; } }
        .question { margin: 0; color: var(--text-soft); font-size: 0.95rem; }
        .durations { display: flex; gap: 1.2rem; }
        .durations button {
          min-width: 6.2rem;
          min-height: 3.4rem;
          font-size: 1.05rem;
          color: var(--text-soft);
        }
        .durations button[aria-pressed="true"] {
          background: #3a2c20;
          border-color: var(--glow-soft);
          color: var(--text);
          box-shadow: 0 0 1.2rem rgba(232, 168, 106, 0.18);
        }
        .code { display: flex; align-items: center; gap: 0.9rem; color: var(--text-soft); font-size: 0.9rem; }
        .code input { width: 9.5rem; text-align: center; letter-spacing: 0.08em; }
        button.primary {
          min-width: 15rem;
          min-height: 4.2rem;
          font-size: 1.4rem;
          letter-spacing: 0.06em;
          background: linear-gradient(#8f5f36, #7a4f2c);
          border-color: #a06d42;
          color: #fbeedd;
          border-radius: 2.2rem;
          box-shadow: 0 0 2.2rem rgba(232, 168, 106, 0.16);
        }
        .error { margin: 0; color: #e3b48b; font-size: 0.85rem; text-align: center; max-width: 40rem; }

        /* During: the guide in the middle; words above, progress and End below, all quiet. */
        #session { justify-content: space-between; padding: 3.5vh 4vw; }
        .session-top { text-align: center; z-index: 1; }
        .phase { margin: 0; font-size: 1.45rem; color: var(--text); letter-spacing: 0.02em; }
        .remaining { margin: 0.2rem 0 0; font-size: 0.9rem; color: var(--text-faint); }
        .guide-wrap {
          position: absolute;
          inset: 0;
          display: flex;
          align-items: center;
          justify-content: center;
          pointer-events: none;
        }
        .guide {
          position: absolute;
          width: min(66vh, 66vw);
          height: min(66vh, 66vw);
          border-radius: 50%;
          background: radial-gradient(circle closest-side,
            rgba(248, 204, 152, 0.92) 0%, rgba(234, 172, 110, 0.8) 45%, rgba(206, 142, 86, 0.6) 68%,
            rgba(170, 108, 64, 0.18) 82%, rgba(150, 92, 52, 0) 100%);
          transform: scale(0.78);
          opacity: 0.55;
          will-change: transform, opacity;
        }
        /* The breath's full size, faintly: the eye sees where the circle is going. */
        .ring {
          position: absolute;
          width: calc(min(66vh, 66vw) * 0.76);
          height: calc(min(66vh, 66vw) * 0.76);
          border-radius: 50%;
          border: 1px solid rgba(232, 168, 106, 0.16);
        }
        .cue {
          position: absolute;
          margin: 0;
          font-size: 1.05rem;
          color: #3a2515;
          letter-spacing: 0.06em;
          opacity: 0;
        }
        .strap-drop {
          position: absolute;
          bottom: 17vh;
          left: 50%;
          transform: translateX(-50%);
          margin: 0;
          padding: 0.45rem 1.3rem;
          border-radius: 2rem;
          background: rgba(34, 27, 22, 0.85);
          color: var(--text-soft);
          font-size: 0.85rem;
          white-space: nowrap;
          z-index: 1;
        }
        .session-bottom {
          width: 100%;
          display: flex;
          align-items: flex-end;
          justify-content: space-between;
          z-index: 1;
        }
        .progress { display: flex; align-items: center; gap: 0.9rem; color: var(--text-faint); font-size: 0.8rem; }
        .trend { display: flex; align-items: center; gap: 0.6rem; }
        .progress svg { width: 7rem; height: 1.8rem; overflow: visible; }
        .progress polyline { fill: none; stroke: var(--calm); stroke-width: 2; stroke-linecap: round;
          stroke-linejoin: round; opacity: 0.6; vector-effect: non-scaling-stroke; }
        #stop-button { min-width: 8rem; min-height: 3.2rem; color: var(--text-soft); background: rgba(44, 35, 28, 0.7); }
        #stop-button.armed { color: var(--text); border-color: var(--glow-soft); }

        /* While Lull is not answering: the notice says so; what cannot work now steps back. */
        body[data-connection="lost"] #start-button,
        body[data-connection="lost"] #durations,
        body[data-connection="lost"] .code { opacity: 0.4; pointer-events: none; }
        body[data-screen="session"] .notice { top: auto; bottom: 17vh; }
        body[data-connection="lost"] .strap-drop { display: none; }

        /* After: a few kind lines, then back to the start by itself. */
        #summary { gap: 3.5vh; text-align: center; }
        #summary h1 { font-size: 1.7rem; }
        #done-button { min-width: 10rem; min-height: 3.4rem; color: var(--text-soft); }
        .summary-lines { list-style: none; margin: 0; padding: 0; display: grid; gap: 1.3vh; font-size: 1.05rem;
          color: var(--text-soft); }
        .summary-lines strong { color: var(--text); font-weight: 400; }
        .summary-note { margin: 0; font-size: 0.8rem; }

        """#

    static let clientBody: String = #"""
        <body data-screen="start" data-state="unknown" data-strap="unknown" data-connection="connecting">
        <p id="unreachable" class="notice" role="status" hidden>Lull is not answering; trying again&hellip;</p>

        <main id="start" class="screen" data-screen="start">
          <div class="brand">Lull</div>
          <h1>Welcome. Make yourself comfortable.</h1>
          <p id="strap" class="strap" data-tone="wait" role="status">
            <span class="dot"></span><span id="strap-words">Looking for Lull&hellip;</span>
          </p>
          <p class="question">How long would you like to rest?</p>
          <div id="durations" class="durations" role="group" aria-label="Length of the session"></div>
          <label class="code">Your code
            <input id="client" autocomplete="off" autocapitalize="off" spellcheck="false" maxlength="64"
              placeholder="optional"></label>
          <button id="start-button" class="primary" type="button">Start</button>
          <button id="assess-button" type="button">Find my breathing pace</button>
          <p id="start-error" class="error" role="alert" hidden></p>
        </main>

        <main id="session" class="screen" data-screen="session" hidden>
          <div class="guide-wrap" aria-hidden="true">
            <div class="ring"></div>
            <div id="guide" class="guide"></div>
            <p id="cue" class="cue">breathe in</p>
          </div>
          <header class="session-top">
            <p id="phase-words" class="phase" data-phase="">settling in</p>
            <p id="remaining" class="remaining">&nbsp;</p>
          </header>
          <p id="strap-drop" class="strap-drop" role="status" hidden></p>
          <footer class="session-bottom">
            <div class="progress" aria-live="off">
              <span id="heart"></span>
              <span id="trend-box" class="trend" hidden><svg id="trend" viewBox="0 0 100 30" preserveAspectRatio="none"
                aria-label="how your heart's rhythm has eased"><polyline points=""/></svg>rhythm</span>
            </div>
            <button id="stop-button" type="button">End</button>
          </footer>
        </main>

        <main id="summary" class="screen" data-screen="summary" hidden>
          <h1>Thank you for taking this time.</h1>
          <ul id="summary-lines" class="summary-lines"></ul>
          <button id="done-button" type="button">Done</button>
          <p class="summary-note faint">Take a moment before you get up. This screen returns to the start by itself.</p>
        </main>

        """#
}
