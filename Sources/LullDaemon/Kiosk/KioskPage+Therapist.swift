// SPDX-License-Identifier: Apache-2.0
import LullWire
import SessionRuntime
import ControlClient
import HeartSources

extension KioskPage {
    /// The therapist's page: the access code first, then the journal's sessions (`GET /api/sessions`) and
    /// a session's report (`GET /api/sessions/{id}/report`, shown in a sandboxed frame), each request
    /// carrying `X-Lull-Therapist-Code`. The code lives only in this page's memory: a reload, Lock, or
    /// fifteen quiet minutes forget it, so a kiosk left on this page shows no health data to the next person.
    static let therapistHTML: String =
        head(title: "Lull: sessions") + therapistStyle + "</style>\n</head>\n" + therapistBody + "<script>\n"
        + therapistScript + "</script>\n</body>\n</html>\n"

    static let therapistStyle: String = text(PackageResources.therapist_css)

    static let therapistBody: String = text(PackageResources.therapist_html)

    static let therapistScript: String = text(PackageResources.therapist_js)
}
