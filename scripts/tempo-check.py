#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The tempo an independent beat tracker hears in a render of Lull's listening track.

librosa's tempo estimator (onset strength of a mel spectrogram, autocorrelation tempogram over 8 s,
a log-normal prior centred on 120 BPM: Ellis 2007, "Beat tracking by dynamic programming", JNMR
36(1)) reads each window of WINDOW seconds; the commanded tempo of that window is the mean of the
linear glide A -> B over it. The hop is 128 samples at 22.05 kHz (5.8 ms), so a lag is resolved to
0.8 BPM at 90 BPM and 0.2 BPM at 45 BPM; librosa's default hop (23 ms) could not tell 1.5 BPM apart.

Usage: tempo-check.py FILE.wav --tempo A:B [--window 20] [--tolerance 1.5] [--skip 4]
Prints one line per window and exits 1 if any window reads further than TOLERANCE from its command.
"""
import argparse
import sys

import librosa
import numpy as np


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("wav")
    parser.add_argument("--tempo", required=True, help="A or A:B, BPM, linear over the whole file")
    parser.add_argument("--window", type=float, default=20.0, help="seconds per estimate")
    parser.add_argument("--tolerance", type=float, default=1.5, help="BPM")
    parser.add_argument("--skip", type=float, default=4.0, help="seconds of fade-in to leave out")
    parser.add_argument("--label", default="")
    args = parser.parse_args()
    parts = [float(p) for p in args.tempo.split(":")]
    start, end = parts[0], parts[-1]

    sr = 22050
    hop = 128
    y, _ = librosa.load(args.wav, sr=sr, mono=True)
    duration = len(y) / sr
    envelope = librosa.onset.onset_strength(y=y, sr=sr, hop_length=hop)
    frames_per_second = sr / hop

    worst = 0.0
    failures = 0
    t = args.skip
    while t + args.window <= duration + 1e-6:
        a = int(t * frames_per_second)
        b = int((t + args.window) * frames_per_second)
        read = float(librosa.feature.tempo(onset_envelope=envelope[a:b], sr=sr, hop_length=hop)[0])
        middle = t + args.window / 2
        commanded = start + (end - start) * middle / duration
        error = read - commanded
        worst = max(worst, abs(error))
        bad = abs(error) > args.tolerance
        failures += bad
        print(f"{args.label}{t:7.1f} s  commanded {commanded:6.2f}  read {read:6.2f}  error {error:+6.2f}{'  FAIL' if bad else ''}")
        t += args.window
    print(f"{args.label}worst error {worst:.2f} BPM, {failures} windows outside {args.tolerance} BPM")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
