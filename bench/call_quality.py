#!/usr/bin/env python3
"""How a call sounds end to end, clean and under loss, jitter and reordering, with PESQ.

Korean and English speech (espeak-ng) is said by a phone customer (8 kHz, G.711 μ-law) and
by a headless agent (48 kHz WAV microphone) at the same time, through the real cloud;
`cargo bench -p ringdesk-tests --bench quality` records what each side heard, with a seeded
network emulator in front of one leg at a time. Each ear is scored with PESQ (P.862, PyPI
`pesq`) against what the other side said (the customer's 8 kHz speech, the agent's
microphone brought down to 8 or 16 kHz). The ceiling row
scores the codecs alone on the same speech (μ-law then the cloud's phone-band Opus towards
the agent; the agent's Opus then μ-law towards the customer), no network.

Mouth-to-ear delay: the agent's app reads its microphone and plays its speaker in the same
20 ms tick from the same start, so the customer's speech found in the agent's ear and the
agent's loop found in the customer's ear give the round trip without a shared clock
(mouth to ear and back), plus 20 ms of packetising at each end; half of it is the one-way
figure. The WAV "devices" add no buffering of their own; a sound card adds its period.

    pip install pesq numpy
    cargo build --release --bins --workspace
    python3 bench/call_quality.py    # RINGDESK_QUALITY_ONLY=loss-5: one condition;
                                     # RINGDESK_QUALITY_DIR=dir: keep the audio there;
                                     # --dev: the dev profile's binaries (cargo build
                                     # --bins --workspace; quicker to build, same figures
                                     # while the machine keeps up)
"""
import os
import pathlib
import subprocess
import sys
import tempfile
import wave

import numpy as np
from pesq import pesq

SENTENCES = {
    "ko": "안녕하세요, 고객센터입니다. 주문하신 상품의 배송 상태를 확인해 드릴게요. "
    "환불은 영업일 기준 삼일 안에 처리됩니다.",
    "en": "Hello, thank you for calling. I can check the delivery status of your order. "
    "Refunds are processed within three business days.",
}
# The agent answers with a different sentence from the customer's, in the same language.
AGENT_SENTENCES = {
    "ko": "네, 확인해 보니 내일 오후에 도착할 예정이에요. 다른 문의 사항이 있으신가요?",
    "en": "Sure, your parcel is due tomorrow afternoon. Is there anything else I can help with?",
}
ROOT = pathlib.Path(__file__).resolve().parent.parent
PACKET_S = 0.020
LEAD_S = 1.0  # the customer starts talking a second into the call (tests/benches/quality.rs)


def resample(x, rate_in, rate_out):
    """Band-limited resampling by FFT (no sox or ffmpeg needed)."""
    m = int(round(len(x) * rate_out / rate_in))
    spectrum = np.fft.rfft(x)
    keep = min(len(spectrum), m // 2 + 1)
    out = np.zeros(m // 2 + 1, dtype=complex)
    out[:keep] = spectrum[:keep]
    if rate_out < rate_in:
        out[-1] = 0
    return np.fft.irfft(out, m) * (m / len(x))


def speak(text, lang, rate, path_wav):
    """espeak-ng at `rate`, scaled to −20 dBFS RMS, 0.3 s of silence around."""
    voice = "ko" if lang == "ko" else "en-us"
    with tempfile.NamedTemporaryFile(suffix=".wav") as t:
        subprocess.run(["espeak-ng", "-v", voice, "-s", "150", "-w", t.name, text], check=True)
        w = wave.open(t.name)
        x = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16).astype(float)
        x = resample(x, w.getframerate(), rate)
    x *= 32768 * 10 ** (-20 / 20) / np.sqrt(np.mean(x**2))
    pad = np.zeros(int(0.3 * rate))
    x = np.clip(np.concatenate([pad, x, pad]), -32768, 32767).astype("<i2")
    if path_wav.suffix == ".wav":
        with wave.open(str(path_wav), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(rate)
            out.writeframes(x.tobytes())
    else:
        x.tofile(path_wav)
    return x.astype(float)


def load_raw(path):
    return np.fromfile(path, dtype="<i2").astype(float)


def load_wav(path):
    w = wave.open(str(path))
    return np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16).astype(float)


def lag_of(ref, deg, last=False):
    """Where `ref` starts in `deg` (cross-correlation by FFT), in samples; with `last`, its
    last whole occurrence (`deg` holds two turns of a loop: the later is clear of start-up)."""
    n = 1 << int(np.ceil(np.log2(len(ref) + len(deg))))
    corr = np.fft.irfft(np.fft.rfft(deg, n) * np.conj(np.fft.rfft(ref, n)), n)
    end = len(deg) - len(ref) + 1
    start = max(0, end - len(ref)) if last else 0
    return start + int(np.argmax(corr[start:end]))


def score(ref, deg, rate, last=False):
    """PESQ of `deg` against `ref` after taking out the bulk delay; NB at 8 kHz, WB at 16."""
    lag = lag_of(ref, deg, last)
    piece = deg[lag : lag + len(ref)]
    piece = np.pad(piece, (0, len(ref) - len(piece)))
    return pesq(rate, ref, piece, "nb" if rate == 8000 else "wb"), lag


def main():
    only = os.environ.get("RINGDESK_QUALITY_ONLY", "")
    keep = os.environ.get("RINGDESK_QUALITY_DIR")  # keep the speech and recordings there
    with tempfile.TemporaryDirectory() as tmp:
        d = pathlib.Path(keep or tmp)
        d.mkdir(parents=True, exist_ok=True)
        said = {}
        for lang in SENTENCES:
            said[lang] = (
                speak(SENTENCES[lang], lang, 8000, d / f"{lang}.customer.raw"),
                speak(AGENT_SENTENCES[lang], lang, 48000, d / f"{lang}.agent.wav"),
            )
        env = {**os.environ, "RINGDESK_SPEECH_DIR": str(d)}
        profile = ["--profile", "dev"] if "--dev" in sys.argv[1:] else []
        out = subprocess.run(
            ["cargo", "bench", "-q", *profile, "-p", "ringdesk-tests", "--bench", "quality"],
            cwd=ROOT, env=env, check=True, stdout=subprocess.PIPE, text=True,
        ).stdout
        names = []  # in the bench's order: "quality: NAME LANG recorded"
        for line in out.splitlines():
            if line.startswith("quality: ") and line.split()[1] not in names:
                names.append(line.split()[1])
        print("| condition | leg | to the agent NB (ko, en) | to the agent WB | to the customer NB | mouth-to-ear (one way) |")
        print("|---|---|---|---|---|---|")
        ceiling = {}
        for lang, (customer, agent) in said.items():
            customer_in = load_raw(d / f"{lang}.customer.raw")  # as said; μ-law is in the chain
            ceil_agent = load_raw(d / f"{lang}.ceiling.agent.raw")
            ceil_customer = load_raw(d / f"{lang}.ceiling.customer.raw")
            agent_nb = resample(agent, 48000, 8000)
            ceiling[lang] = (
                score(customer_in, resample(ceil_agent, 48000, 8000), 8000)[0],
                score(resample(customer_in, 8000, 16000), resample(ceil_agent, 48000, 16000), 16000)[0],
                score(agent_nb, ceil_customer, 8000)[0],
            )
        fmt = lambda xs: " / ".join(f"{x:.2f}" for x in xs)
        ms = lambda xs: " / ".join(f"{x:.0f}" for x in xs)
        c = [ceiling[l] for l in said]
        print(f"| codecs alone (ceiling) | — | {fmt([x[0] for x in c])} | {fmt([x[1] for x in c])} | "
              f"{fmt([x[2] for x in c])} | — |")
        for name in names:
            rows, delays = [], []
            for lang, (customer, agent) in said.items():
                ear_customer = d / f"{name}.{lang}.customer.raw"
                ear_agent = d / f"{name}.{lang}.agent.wav"
                if not ear_customer.exists():
                    continue
                heard_agent = load_wav(ear_agent)
                heard_customer = load_raw(ear_customer)
                customer_in = load_raw(d / f"{lang}.customer.raw")
                nb, lag_a = score(customer_in, resample(heard_agent, 48000, 8000), 8000)
                wb, _ = score(resample(customer_in, 8000, 16000), resample(heard_agent, 48000, 16000), 16000)
                agent_nb = resample(agent, 48000, 8000)
                to_customer, lag_c = score(agent_nb, heard_customer, 8000, last=True)
                # Round trip: the customer's speech reached the agent's ear at lag_a, the
                # agent's loop (one turn = len(agent)) reached the customer's at lag_c.
                turn = len(agent) / 48000
                rt = (lag_a / 8000 - LEAD_S + lag_c / 8000) % turn + 2 * PACKET_S
                rows.append((nb, wb, to_customer))
                delays.append(rt / 2 * 1000)
            condition, _, leg = name.partition(".")
            print(f"| {condition} | {leg or 'none'} | {fmt([r[0] for r in rows])} | {fmt([r[1] for r in rows])} | "
                  f"{fmt([r[2] for r in rows])} | {ms(delays)} ms |")
        ratio = lambda i: np.mean([r for r in [ceiling[l][i] for l in said]])
        print(f"\nceiling means: to the agent NB {ratio(0):.2f}, WB {ratio(1):.2f}; to the customer NB {ratio(2):.2f}")


if __name__ == "__main__":
    main()
