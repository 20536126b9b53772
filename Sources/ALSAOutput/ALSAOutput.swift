// SPDX-License-Identifier: Apache-2.0
// Placeholder so the module builds and proves libasound links; replaced as the module is written.
import CALSA

public enum ALSAOutputModule {
    /// The libasound version this binary runs against, e.g. "1.2.8".
    public static var libraryVersion: String { String(cString: snd_asoundlib_version()) }
}
