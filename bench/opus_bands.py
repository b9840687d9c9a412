#!/usr/bin/env python3
"""What each Opus band costs and how a phone call sounds through it, side by side.

Korean and English speech (espeak-ng, resampled to 8 kHz) goes through G.711 as a phone
customer arrives, then through the cloud's Opus encoder at each `MixBand` and back. PESQ
(P.862 narrowband, PyPI `pesq`) scores each against the G.711-decoded speech: the Opus leg's
own loss, since the customer's audio is phone band to begin with. The G.711 ceiling row
scores G.711 against the clean speech.

    pip install pesq numpy
    python3 bench/opus_bands.py
"""
import pathlib
import re
import subprocess
import tempfile
import wave

import numpy as np
from pesq import pesq

SENTENCES = {
    "ko": "안녕하세요, 고객센터입니다. 주문하신 상품의 배송 상태를 확인해 드릴게요. "
    "잠시만 기다려 주세요. 환불은 영업일 기준 삼일 안에 처리됩니다.",
    "en": "Hello, thank you for calling. I can check the delivery status of your order. "
    "Please hold on for a moment. Refunds are processed within three business days.",
}
ROOT = pathlib.Path(__file__).resolve().parent.parent


def to_8k(wav_path, raw_path):
    """Band-limited resampling by FFT (no sox or ffmpeg needed)."""
    w = wave.open(str(wav_path))
    x = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16).astype(float)
    m = int(round(len(x) * 8000 / w.getframerate()))
    spectrum = np.fft.rfft(x)[: m // 2 + 1].copy()
    spectrum[-1] = 0
    y = np.fft.irfft(spectrum, m) * (m / len(x)) * 0.8
    np.clip(y, -32768, 32767).astype("<i2").tofile(raw_path)


def aligned_pesq(ref, deg):
    """PESQ after taking out the codec's delay (the best lag by correlation)."""
    n = min(len(ref), len(deg)) - 400
    lag = max(range(400), key=lambda k: float(np.dot(ref[:n], deg[k : k + n])))
    return pesq(8000, ref[:n], deg[lag : lag + n], "nb")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        d = pathlib.Path(tmp)
        for lang, text in SENTENCES.items():
            voice = "ko" if lang == "ko" else "en-us"
            subprocess.run(["espeak-ng", "-v", voice, "-s", "150", "-w", d / f"{lang}.wav", text], check=True)
            to_8k(d / f"{lang}.wav", d / f"{lang}.8k.raw")
        out = subprocess.run(
            ["cargo", "bench", "-q", "-p", "ringdesk-media", "--bench", "opus_bands"],
            cwd=ROOT, env={**__import__("os").environ, "RINGDESK_SPEECH_DIR": str(d)},
            check=True, capture_output=True, text=True,
        ).stdout
        cost = {(m[1], m[2]): float(m[3]) for m in re.finditer(r"encode (\w+) (\w+) ([\d.]+) us", out)}
        load = lambda p: np.fromfile(p, dtype="<i2").astype(float)
        print("| | Korean PESQ | English PESQ | encode µs / frame (ko, en) |")
        print("|---|---|---|---|")
        ceiling = [pesq(8000, load(d / f"{l}.8k.raw"), load(d / f"{l}.ref.raw"), "nb") for l in SENTENCES]
        print(f"| G.711 A-law alone (vs clean speech) | {ceiling[0]:.2f} | {ceiling[1]:.2f} | — |")
        for band in ["phone", "full"]:
            scores = [aligned_pesq(load(d / f"{l}.ref.raw"), load(d / f"{l}.{band}.raw")) for l in SENTENCES]
            print(f"| Opus `{band}` (vs G.711 speech) | {scores[0]:.2f} | {scores[1]:.2f} | "
                  f"{cost[('ko', band)]:.0f}, {cost[('en', band)]:.0f} |")


if __name__ == "__main__":
    main()
