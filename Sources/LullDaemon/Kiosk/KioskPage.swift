// SPDX-License-Identifier: Apache-2.0

/// The kiosk's two web pages, served by `lull daemon` on its loopback port: `GET /` (the client's page)
/// and `GET /therapist` (sessions and reports behind the access code).
///
/// Each is one self-contained HTML document: inline CSS and plain JavaScript, no framework, no external
/// font, script or fetch other than the same-origin control API (the daemon issue's contract), so the
/// page works offline on a kiosk and in any browser on the same machine. They are Swift string literals
/// rather than resource files so the installed binary needs nothing beside it.
enum KioskPage {
    /// The document head both pages share: the viewport for touch screens, a dark colour scheme so the
    /// browser's own controls and the first paint are dark too (no white flash on a dim room's screen).
    static func head(title: String) -> String {
        #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="color-scheme" content="dark">
        <link rel="icon" href="data:,">
        <title>
        """# + title + "</title>\n<style>\n" + sharedStyle
    }

    /// The palette and type both pages share. Warm and dark, text at a low but readable contrast
    /// (about 9:1 for body text, WCAG 2.2 §1.4.6 asks 7:1): a bright screen in a dim room keeps a body alert.
    /// Sizes follow the viewport so a 800x480 kiosk panel and a 1280x800 screen read alike from a couch.
    static let sharedStyle: String = #"""
        :root {
          --bg: #16120f;
          --bg-raised: #221b16;
          --bg-raised-2: #2c231c;
          --line: #3b2f26;
          --text: #e6d7c1;
          --text-soft: #b8a68f;
          --text-faint: #8a7a67;
          --glow: #e8a86a;
          --glow-soft: #c98b55;
          --calm: #9fb89a;
          --wait: #d6a35f;
          --radius: 1.1rem;
          font-size: clamp(18px, calc(2.2vh + 0.9vw), 34px);
        }
        * { box-sizing: border-box; }
        html, body { margin: 0; height: 100%; }
        body {
          background: radial-gradient(ellipse at 50% 40%, #201913 0%, var(--bg) 70%) fixed, var(--bg);
          color: var(--text);
          font-family: "Noto Sans", Cantarell, "DejaVu Sans", "Helvetica Neue", Arial, system-ui, sans-serif;
          font-weight: 300;
          line-height: 1.35;
          -webkit-tap-highlight-color: transparent;
          overflow: hidden;
        }
        h1, h2 { font-weight: 300; margin: 0; letter-spacing: 0.01em; }
        button, input, select {
          font: inherit;
          color: inherit;
        }
        button {
          background: var(--bg-raised-2);
          border: 1px solid var(--line);
          border-radius: var(--radius);
          min-height: 3rem;
          min-width: 3rem;
          padding: 0.5rem 1.4rem;
          cursor: pointer;
          transition: background 0.4s, border-color 0.4s, color 0.4s, opacity 0.4s;
        }
        button:focus-visible, input:focus-visible, select:focus-visible {
          outline: 2px solid var(--glow-soft);
          outline-offset: 3px;
        }
        button:disabled { opacity: 0.55; cursor: default; }
        input, select {
          background: var(--bg-raised);
          border: 1px solid var(--line);
          border-radius: var(--radius);
          min-height: 2.6rem;
          padding: 0.35rem 0.9rem;
        }
        input::placeholder { color: var(--text-faint); }
        .soft { color: var(--text-soft); }
        .faint { color: var(--text-faint); }
        [hidden] { display: none !important; }
        .notice {
          position: fixed;
          top: 0.8rem;
          left: 50%;
          transform: translateX(-50%);
          background: var(--bg-raised);
          border: 1px solid var(--line);
          border-radius: 2rem;
          padding: 0.45rem 1.4rem;
          color: var(--text-soft);
          font-size: 0.85rem;
          z-index: 10;
          white-space: nowrap;
        }

        """#
}
