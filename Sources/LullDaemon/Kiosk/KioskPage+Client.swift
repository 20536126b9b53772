// SPDX-License-Identifier: Apache-2.0
import LullWire
import SessionRuntime
import ControlClient
import HeartSources

extension KioskPage {
    /// The client's page: before a session (strap, duration, optional code, Start), during it (the
    /// breathing guide, the phase in words, time left, a soft sense of progress, End) and after it
    /// (a short, kind summary). The three screens are `<main data-screen=...>` elements; the body's
    /// `data-screen`, `data-state`, `data-strap` and `data-connection` say which one shows and why,
    /// for people styling it and for the kiosk test.
    static let clientHTML: String =
        head(title: "Lull") + clientStyle + assessmentStyle + "</style>\n</head>\n" + clientBody + "<script>\n"
        + clientScript + "</script>\n<script>\n" + assessmentScript + "</script>\n</body>\n</html>\n"

    static let clientStyle: String = text(PackageResources.client_css)

    static let clientBody: String = text(PackageResources.client_html)
}
