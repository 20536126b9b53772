// SPDX-License-Identifier: Apache-2.0
import CALSA
import Glibc

/// Whether a playback PCM can be opened now, without playing anything: what the daemon asks at
/// start and while it waits for a sound card, so it can say what is missing before a session.
public enum PCMProbe {
    /// Nil when `name` opens (or exists but another program holds it: EBUSY), else libasound's
    /// reason, e.g. "No such file or directory" for "default" on a machine without a sound card.
    /// Non-blocking open (SND_PCM_NONBLOCK), closed at once; it may take a few milliseconds, so
    /// call it off Swift's cooperative pool.
    public static func failure(name: String) -> String? {
        var pcm: OpaquePointer?
        let code = snd_pcm_open(&pcm, name, SND_PCM_STREAM_PLAYBACK, SND_PCM_NONBLOCK)
        if code >= 0, let pcm {
            snd_pcm_close(pcm)
            return nil
        }
        if code == -EBUSY { return nil }
        return String(cString: snd_strerror(code))
    }
}
