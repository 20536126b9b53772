// SPDX-License-Identifier: Apache-2.0
import LullWire
import SessionRuntime
import ControlClient
import HeartSources

/// The kiosk's two web pages, served by `lull daemon` on its loopback port: `GET /` (the client's page)
/// and `GET /therapist` (sessions and reports behind the access code).
///
/// Each is one self-contained HTML document: inline CSS and plain JavaScript, no framework, no external
/// font, script or fetch other than the same-origin control API (the daemon issue's contract), so the
/// page works offline on a kiosk and in any browser on the same machine. The parts are real `.html`,
/// `.css` and `.js` files beside this one (so they can be linted and edited as what they are), embedded
/// into the binary by SwiftPM (`.embedInCode`), so the installed binary still needs nothing beside it.
enum KioskPage {
    /// An embedded file's text (UTF-8).
    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

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
    static let sharedStyle: String = text(PackageResources.shared_css)
}
