#!/usr/bin/env python3
"""How well a phone caller would understand the IVR's spoken prompts, measured offline.

Each case is a WAV and the text it should say. The WAV goes through a telephone line as a
caller's handset gets it, Whisper (faster-whisper, a local CTranslate2 model) writes down what
it hears, and the character error rate (CER) against the text says how much was lost.

    sh bench/intelligibility-setup.sh        # venv + model, once (~/.cache/ringdesk/...)
    nice -n 10 ~/.cache/ringdesk/venv-intelligibility/bin/python bench/intelligibility.py \\
        --lang ko --model ~/.cache/ringdesk/models/whisper-base CASES.tsv [--json]

CASES.tsv: one case a line, `wav_path<TAB>reference text`; a relative path is taken from the
TSV's folder; blank lines and lines starting with `#` are skipped.

The telephone line (--line phone, the default):
  1. the WAV (PCM 8/16/24/32-bit or float, any rate, mono or stereo) is mixed down to mono;
  2. resampled to 8 kHz (polyphase, scipy.signal.resample_poly);
  3. band-passed to 300-3400 Hz (4th-order Butterworth band-pass, causal, like a line);
  4. coded and decoded with G.711 (--codec pcmu, the default, as Ringdesk's SIP trunk leg
     offers first; or pcma; or none), bit-exact to the ITU-T reference tables;
  5. resampled up to 16 kHz, the rate Whisper takes (this adds nothing above 4 kHz back).
--line none skips 1-5 but the mix-down and a direct resample to 16 kHz, to see what the phone
line itself costs.

Recognition: language fixed by --lang, beam_size 5, temperature 0 (no fallback), no VAD
filter, condition_on_previous_text False, no prompt. Deterministic for a given model and
CTranslate2 build.

CER = Levenshtein distance between the normalised reference and hypothesis, in characters,
divided by the normalised reference's length (insertions can take it past 100%). The overall
figure adds the edits of all cases and divides by all their reference characters, so a long
prompt weighs more than a short one. Normalising, the same for reference and hypothesis:
  - Unicode NFKC (full-width forms to ASCII, Hangul jamo composed into syllables);
  - "1,000" -> "1000"; "%" is read as 퍼센트 / percent, "&" as "and" (en);
  - each run of digits becomes words: Korean reads it in Sino-Korean numbers (3 -> 삼,
    12 -> 십이, 2500 -> 이천오백, 10000 -> 만), English in English words (3 -> three,
    25 -> twentyfive); "2.5" -> 이점오 / twopointfive; a run that starts with 0, or is longer
    than 8 digits, is read digit by digit (영/zero ...), as phone and reservation numbers are.
    So "3번" and "삼번" match; native Korean counting ("세 번") does not, and counts as errors;
  - then only the characters that carry the language are kept: Hangul syllables for ko,
    lowercase a-z for en (accents stripped). Whitespace, punctuation and anything else go.
"""

import argparse
import json
import math
import os
import re
import struct
import sys
import time
import unicodedata

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # a local model directory; never a hub

import numpy as np  # noqa: E402

DEFAULT_MODEL = os.path.join(
    os.environ.get("RINGDESK_CACHE", os.path.expanduser("~/.cache/ringdesk")), "models", "whisper-base"
)

# ---------------------------------------------------------------------------------------------
# WAV reading


def read_wav(path):
    """Returns (mono float64 samples in [-1, 1], sample rate)."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise ValueError(f"{path}: not a RIFF/WAVE file")
    fmt = None
    pcm = None
    pos = 12
    while pos + 8 <= len(data):
        cid, size = data[pos : pos + 4], struct.unpack("<I", data[pos + 4 : pos + 8])[0]
        body = data[pos + 8 : pos + 8 + size]
        if cid == b"fmt ":
            fmt = body
        elif cid == b"data":
            pcm = body  # a streamed WAV may claim more than there is: take what there is
        pos += 8 + size + (size & 1)
    if fmt is None or pcm is None:
        raise ValueError(f"{path}: no fmt or data chunk")
    tag, channels, rate, _, align, bits = struct.unpack("<HHIIHH", fmt[:16])
    if tag == 0xFFFE and len(fmt) >= 26:  # WAVE_FORMAT_EXTENSIBLE: the subformat's first 2 bytes
        tag = struct.unpack("<H", fmt[24:26])[0]
    width = bits // 8
    if channels < 1 or width < 1 or align != channels * width:
        raise ValueError(f"{path}: unsupported layout ({channels} ch, {bits} bit, align {align})")
    pcm = pcm[: len(pcm) - len(pcm) % align]
    if tag == 1:  # integer PCM
        if width == 1:
            x = (np.frombuffer(pcm, np.uint8).astype(np.float64) - 128.0) / 128.0
        elif width == 2:
            x = np.frombuffer(pcm, "<i2").astype(np.float64) / 32768.0
        elif width == 3:
            b = np.frombuffer(pcm, np.uint8).reshape(-1, 3).astype(np.int32)
            v = b[:, 0] | (b[:, 1] << 8) | (b[:, 2] << 16)
            x = np.where(v >= 1 << 23, v - (1 << 24), v).astype(np.float64) / float(1 << 23)
        elif width == 4:
            x = np.frombuffer(pcm, "<i4").astype(np.float64) / float(1 << 31)
        else:
            raise ValueError(f"{path}: {bits}-bit PCM")
    elif tag == 3 and width in (4, 8):  # IEEE float
        x = np.frombuffer(pcm, "<f4" if width == 4 else "<f8").astype(np.float64)
    else:
        raise ValueError(f"{path}: WAV format tag {tag:#x} ({bits} bit); want PCM or float")
    return x.reshape(-1, channels).mean(axis=1), rate


def write_wav16(path, x, rate):
    s = (np.clip(x, -1.0, 1.0) * 32767.0).round().astype("<i2").tobytes()
    with open(path, "wb") as f:
        f.write(b"RIFF" + struct.pack("<I", 36 + len(s)) + b"WAVE")
        f.write(b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, rate, rate * 2, 2, 16))
        f.write(b"data" + struct.pack("<I", len(s)) + s)


# ---------------------------------------------------------------------------------------------
# The telephone line


def _ulaw_encode(s):  # one int16 -> one byte; ITU-T G.711 / Sun's g711.c
    BIAS, CLIP = 0x84, 32635
    sign = 0x80 if s < 0 else 0
    if s < 0:
        s = -s
    s = min(s, CLIP) + BIAS
    exp = max(0, (s >> 7).bit_length() - 1)
    mant = (s >> (exp + 3)) & 0x0F
    return ~(sign | (exp << 4) | mant) & 0xFF


def _ulaw_decode(u):
    u = ~u & 0xFF
    t = (((u & 0x0F) << 3) + 0x84) << ((u & 0x70) >> 4)
    return (0x84 - t) if u & 0x80 else (t - 0x84)


def _alaw_encode(s):
    s >>= 3
    if s >= 0:
        mask = 0xD5
    else:
        mask = 0x55
        s = -s - 1
    seg = 0
    for end in (0x1F, 0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF):
        if s <= end:
            break
        seg += 1
    if seg >= 8:
        return 0x7F ^ mask
    a = (seg << 4) | ((s >> 1) & 0x0F if seg < 2 else (s >> seg) & 0x0F)
    return a ^ mask


def _alaw_decode(a):
    a ^= 0x55
    t = (a & 0x0F) << 4
    seg = (a & 0x70) >> 4
    if seg == 0:
        t += 8
    elif seg == 1:
        t += 0x108
    else:
        t = (t + 0x108) << (seg - 1)
    return t if a & 0x80 else -t


_G711 = {}


def g711(x, law):
    """Float samples through a G.711 encoder and decoder (lookup tables over all int16)."""
    if law not in _G711:
        enc, dec = (_ulaw_encode, _ulaw_decode) if law == "pcmu" else (_alaw_encode, _alaw_decode)
        table = np.array([dec(enc(s)) for s in range(-32768, 32768)], dtype=np.float64) / 32768.0
        _G711[law] = table
    s = np.clip(np.round(x * 32768.0), -32768, 32767).astype(np.int64)
    return _G711[law][s + 32768]


def resample(x, src, dst):
    from scipy.signal import resample_poly

    if src == dst:
        return x
    g = math.gcd(int(src), int(dst))
    return resample_poly(x, dst // g, src // g)


def phone_line(x, rate, line, codec):
    """Returns 16 kHz float32 samples as Whisper takes them."""
    if line == "none":
        return resample(x, rate, 16000).astype(np.float32)
    from scipy.signal import butter, sosfilt

    y = resample(x, rate, 8000)
    sos = butter(4, [300.0, 3400.0], btype="bandpass", fs=8000, output="sos")
    y = sosfilt(sos, y)
    if codec != "none":
        y = g711(y, codec)
    return np.clip(resample(y, 8000, 16000), -1.0, 1.0).astype(np.float32)


# ---------------------------------------------------------------------------------------------
# Normalising and the CER

KO_DIGITS = "영일이삼사오육칠팔구"
EN_ONES = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
).split()
EN_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def ko_number(n):
    """Sino-Korean reading: 3 -> 삼, 12 -> 십이, 2500 -> 이천오백, 10000 -> 만."""
    if n == 0:
        return "영"

    def below_10000(m):
        out = ""
        for value, unit in ((1000, "천"), (100, "백"), (10, "십"), (1, "")):
            d, m = divmod(m, value)
            if d:
                out += ("" if d == 1 and unit else KO_DIGITS[d]) + unit
        return out

    out = ""
    for value, unit in ((10**12, "조"), (10**8, "억"), (10**4, "만"), (1, "")):
        d, n = divmod(n, value)
        if d:
            out += ("" if d == 1 and unit == "만" else below_10000(d)) + unit
    return out


def en_number(n):
    """English words, spaces left out: 3 -> three, 25 -> twentyfive, 1200 -> onethousandtwohundred."""
    if n < 20:
        return EN_ONES[n]
    if n < 100:
        t, o = divmod(n, 10)
        return EN_TENS[t] + (EN_ONES[o] if o else "")
    for value, word in ((10**9, "billion"), (10**6, "million"), (1000, "thousand"), (100, "hundred")):
        if n >= value:
            h, r = divmod(n, value)
            return en_number(h) + word + (en_number(r) if r else "")
    raise AssertionError(n)


def spell_numbers(text, lang):
    number = ko_number if lang == "ko" else en_number
    digit = (lambda d: KO_DIGITS[int(d)]) if lang == "ko" else (lambda d: EN_ONES[int(d)])
    point = "점" if lang == "ko" else "point"

    def run(digits):
        if (len(digits) > 1 and digits[0] == "0") or len(digits) > 8:
            return "".join(digit(d) for d in digits)
        return number(int(digits))

    def sub(m):
        whole, frac = m.group(1), m.group(2)
        return run(whole) + ("" if frac is None else point + "".join(digit(d) for d in frac))

    text = re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", text)  # 1,000 -> 1000
    return re.sub(r"(\d+)(?:\.(\d+))?", sub, text)


def normalise(text, lang):
    t = unicodedata.normalize("NFKC", text)
    if lang == "ko":
        t = t.replace("%", "퍼센트")
    else:
        t = t.replace("%", "percent").replace("&", "and")
    t = spell_numbers(t, lang)
    if lang == "ko":
        return "".join(c for c in t if "\uac00" <= c <= "\ud7a3")
    t = unicodedata.normalize("NFKD", t.lower())
    return "".join(c for c in t if "a" <= c <= "z")


def edit_ops(ref, hyp):
    """Levenshtein alignment: (substitutions, deletions, insertions)."""
    n, m = len(ref), len(hyp)
    # each cell: (cost, subs, dels, ins)
    prev = [(j, 0, 0, j) for j in range(m + 1)]
    for i in range(1, n + 1):
        cur = [(i, 0, i, 0)]
        for j in range(1, m + 1):
            c, s, d, ins = prev[j - 1]
            best = (c, s, d, ins) if ref[i - 1] == hyp[j - 1] else (c + 1, s + 1, d, ins)
            c, s, d, ins = prev[j]
            if c + 1 < best[0]:
                best = (c + 1, s, d + 1, ins)
            c, s, d, ins = cur[j - 1]
            if c + 1 < best[0]:
                best = (c + 1, s, d, ins + 1)
            cur.append(best)
        prev = cur
    return prev[m][1:]


# ---------------------------------------------------------------------------------------------


def read_cases(tsv):
    base = os.path.dirname(os.path.abspath(tsv))
    cases = []
    with open(tsv, encoding="utf-8") as f:
        for no, line in enumerate(f, 1):
            line = line.rstrip("\r\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            if "\t" not in line:
                sys.exit(f"{tsv}:{no}: want wav_path<TAB>reference text")
            wav, ref = line.split("\t", 1)
            cases.append((wav, os.path.join(base, wav), ref.strip()))
    return cases


def plural(n, word):
    return f"{n} {word}" + ("" if n == 1 else "s")


def main():
    ap = argparse.ArgumentParser(
        description="Character error rate of Whisper on IVR prompts heard through a phone line.",
        epilog="See the module docstring (head of this file) for the pipeline and normalisation.",
    )
    ap.add_argument("cases", help="TSV: wav_path<TAB>reference text, one case a line")
    ap.add_argument("--lang", required=True, choices=["ko", "en"])
    ap.add_argument("--model", default=DEFAULT_MODEL, help="CTranslate2 Whisper model directory "
                    f"(default {DEFAULT_MODEL})")
    ap.add_argument("--json", action="store_true", help="print one JSON document instead of lines")
    ap.add_argument("--line", choices=["phone", "none"], default="phone",
                    help="phone: 8 kHz, 300-3400 Hz, G.711 (default); none: the WAV as it is")
    ap.add_argument("--codec", choices=["pcmu", "pcma", "none"], default="pcmu",
                    help="G.711 law on the phone line (default pcmu)")
    ap.add_argument("--threads", type=int, default=0,
                    help="CPU threads for CTranslate2 (default 0: its own choice)")
    ap.add_argument("--keep-audio", metavar="DIR",
                    help="also write each case's 16 kHz audio as Whisper got it, to listen to")
    args = ap.parse_args()

    if not os.path.isfile(os.path.join(args.model, "model.bin")):
        sys.exit(f"{args.model}: no model.bin; run sh bench/intelligibility-setup.sh")
    cases = read_cases(args.cases)
    if not cases:
        sys.exit(f"{args.cases}: no cases")
    if args.keep_audio:
        os.makedirs(args.keep_audio, exist_ok=True)

    from faster_whisper import WhisperModel

    t0 = time.monotonic()
    model = WhisperModel(args.model, device="cpu", compute_type="int8", cpu_threads=args.threads)
    load_s = time.monotonic() - t0

    results = []
    for shown, path, ref in cases:
        x, rate = read_wav(path)
        audio = phone_line(x, rate, args.line, args.codec)
        if args.keep_audio:
            write_wav16(os.path.join(args.keep_audio, os.path.basename(path)), audio, 16000)
        t0 = time.monotonic()
        segments, _ = model.transcribe(
            audio,
            language=args.lang,
            task="transcribe",
            beam_size=5,
            temperature=0.0,
            vad_filter=False,
            condition_on_previous_text=False,
        )
        hyp = "".join(s.text for s in segments).strip()  # the generator does the work
        took = time.monotonic() - t0
        rn, hn = normalise(ref, args.lang), normalise(hyp, args.lang)
        subs, dels, ins = edit_ops(rn, hn)
        edits = subs + dels + ins
        cer = edits / len(rn) if rn else (0.0 if not hn else 1.0)
        results.append({
            "wav": shown, "ref": ref, "hyp": hyp, "ref_norm": rn, "hyp_norm": hn,
            "ref_chars": len(rn), "edits": edits, "substitutions": subs, "deletions": dels,
            "insertions": ins, "cer": cer, "audio_s": round(len(x) / rate, 3),
            "transcribe_s": round(took, 3),
        })
        if not args.json:
            shown_hyp = hyp if len(hyp) <= 160 else hyp[:160] + f"… ({len(hyp)} characters)"
            print(f"CER {100 * cer:5.1f}%  {shown}  ref={ref}  hyp={shown_hyp}", flush=True)

    chars = sum(r["ref_chars"] for r in results)
    edits = sum(r["edits"] for r in results)
    overall = edits / chars if chars else 0.0
    total_s = sum(r["transcribe_s"] for r in results)
    if args.json:
        json.dump({
            "lang": args.lang, "model": os.path.abspath(args.model), "line": args.line,
            "codec": args.codec if args.line == "phone" else None,
            "decoding": {"beam_size": 5, "temperature": 0.0, "vad_filter": False,
                         "condition_on_previous_text": False, "compute_type": "int8"},
            "model_load_s": round(load_s, 3), "cases": results,
            "overall": {"cer": overall, "edits": edits, "ref_chars": chars, "cases": len(results)},
        }, sys.stdout, ensure_ascii=False, indent=1)
        print()
    else:
        print(f"overall CER (characters weighted): {100 * overall:.1f}%  "
              f"({edits} edits / {chars} characters, {plural(len(results), 'case')})")
    print(f"intelligibility: model loaded in {load_s:.1f} s; {plural(len(results), 'case')} transcribed in "
          f"{total_s:.1f} s ({total_s / len(results):.1f} s a case)", file=sys.stderr)


if __name__ == "__main__":
    main()
