#!/bin/sh
# How well a caller understands the IVR's text-to-speech prompts: each prompt in
# bench/tts-prompts-{ko,en}.txt is rendered by the engines the cloud uses (the `speak`
# example), sent through a telephone line (8 kHz, G.711) and written down by a Whisper
# recogniser (bench/intelligibility.py); the character error rate says how much was lost.
# Korean: the Kokoro voice (our pronunciation front-end) next to eSpeak NG; English: eSpeak NG.
#
#   sh bench/tts_intelligibility.sh        (after `cargo xtask setup`)
set -eu
cd "$(dirname "$0")/.."
CACHE="${RINGDESK_CACHE:-$HOME/.cache/ringdesk}"
TARGET="${CARGO_TARGET_DIR:-$CACHE/target}"
VOICE="$CACHE/voices/kokoro"
sh bench/intelligibility-setup.sh >/dev/null
cargo build --quiet --release -p ringdesk-cloud --example speak
SPEAK="$TARGET/release/examples/speak"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT

# render ENGINE LANG VOICE_DIR: renders every prompt of LANG; prints the render time.
render() {
  engine=$1 lang=$2 dir=$3 n=0
  : > "$OUT/$engine-$lang.tsv"
  start=$(date +%s%N)
  while IFS= read -r text; do
    n=$((n + 1))
    if [ -n "$dir" ]; then "$SPEAK" "$lang" "$text" "$OUT/$engine-$lang-$n.wav" "$dir" >/dev/null
    else "$SPEAK" "$lang" "$text" "$OUT/$engine-$lang-$n.wav" >/dev/null; fi
    printf '%s\t%s\n' "$OUT/$engine-$lang-$n.wav" "$text" >> "$OUT/$engine-$lang.tsv"
  done < "bench/tts-prompts-$lang.txt"
  echo "$engine $lang: $n prompts rendered in $((($(date +%s%N) - start) / 1000000)) ms (model load included)"
}

measure() {
  nice -n 10 "$CACHE/venv-intelligibility/bin/python" bench/intelligibility.py \
    --lang "$2" --model "$CACHE/models/whisper-base" "$OUT/$1-$2.tsv" 2>/dev/null | tail -1 |
    sed "s/^/$1 $2 /"
}

render kokoro ko "$VOICE"
render espeak ko ""
render espeak en ""
measure kokoro ko
measure espeak ko
measure espeak en
