// SPDX-License-Identifier: Apache-2.0

extension SessionDatabase {
    /// The journal's file name inside the state directory.
    public static let fileName = "lull.sqlite"

    /// Where the journal lives when `--db` is not given: `$STATE_DIRECTORY/lull.sqlite` under systemd
    /// (`StateDirectory=lull` sets it to /var/lib/lull; it may list several folders separated by
    /// colons, the first is ours), else `$XDG_STATE_HOME/lull/lull.sqlite`, else
    /// `~/.local/state/lull/lull.sqlite` (XDG Base Directory Specification 0.8). Nil without a home.
    public static func defaultPath(environment: [String: String]) -> String? {
        if let state = environment["STATE_DIRECTORY"], let first = state.split(separator: ":").first,
            !first.isEmpty
        {
            return "\(first)/\(fileName)"
        }
        // The specification says a relative XDG path is invalid and must be ignored.
        if let xdg = environment["XDG_STATE_HOME"], xdg.hasPrefix("/") { return "\(xdg)/lull/\(fileName)" }
        guard let home = environment["HOME"], home.hasPrefix("/") else { return nil }
        return "\(home)/.local/state/lull/\(fileName)"
    }
}
