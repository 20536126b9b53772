// SPDX-License-Identifier: Apache-2.0
import Glibc

/// Runs a program and waits for it: posix_spawn and a blocking waitpid on that one child, its
/// standard streams from and to files.
///
/// Not Foundation's Process: it learns of a child's exit from a SIGCHLD source, and here it once
/// missed one (`runuser` stayed a zombie and the test waited forever in waitUntilExit at 0 % CPU).
func spawnAndWait(
    _ arguments: [String], stdin: String = "/dev/null", stdout: String, stderr: String,
    environment: [String: String]? = nil
) throws -> Int32 {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, stdin, O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_TRUNC, 0)
    posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_TRUNC, 0)
    let argv = arguments.map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    let envp = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
    defer { envp?.forEach { free($0) } }
    var pid: pid_t = 0
    let code = envp.map { posix_spawn(&pid, arguments[0], &actions, nil, argv, $0) }
        ?? posix_spawn(&pid, arguments[0], &actions, nil, argv, environ)
    guard code == 0 else { throw SpawnError("\(arguments[0]): posix_spawn failed (errno \(code))") }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 {
        guard errno == EINTR else { throw SpawnError("waitpid \(pid): errno \(errno)") }
    }
    // WIFEXITED / WEXITSTATUS, which Swift does not import (macros).
    return status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
}

struct SpawnError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
