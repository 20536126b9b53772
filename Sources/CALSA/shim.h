// SPDX-License-Identifier: Apache-2.0
// ALSA's PCM API (libasound2-dev), imported whole for the ALSAOutput adapter.
#include <alsa/asoundlib.h>
