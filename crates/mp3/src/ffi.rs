//! The C calls into LAME, and the one owner of its state. Every `unsafe` of the crate is here.
#![allow(unsafe_code)]

use std::ffi::{c_int, c_short, c_uchar, c_void};

use crate::{Mp3Error, Mp3Settings};

/// LAME's `MPEG_mode`: `STEREO` keeps two channels apart (two speakers, not one scene).
const MODE_STEREO: c_int = 0;
/// LAME's `MPEG_mode` for one channel.
const MODE_MONO: c_int = 3;
/// LAME's `vbr_off`: a constant bitrate (a player's seek bar is exact).
const VBR_OFF: c_int = 0;
/// LAME's algorithm quality, 0 (best, slowest) to 9: 5 is its own default for speed.
const QUALITY: c_int = 5;

unsafe extern "C" {
    fn lame_init() -> *mut c_void;
    fn lame_close(gfp: *mut c_void) -> c_int;
    fn lame_set_in_samplerate(gfp: *mut c_void, rate: c_int) -> c_int;
    fn lame_set_out_samplerate(gfp: *mut c_void, rate: c_int) -> c_int;
    fn lame_set_num_channels(gfp: *mut c_void, channels: c_int) -> c_int;
    fn lame_set_mode(gfp: *mut c_void, mode: c_int) -> c_int;
    fn lame_set_VBR(gfp: *mut c_void, mode: c_int) -> c_int;
    fn lame_set_brate(gfp: *mut c_void, kbps: c_int) -> c_int;
    fn lame_set_quality(gfp: *mut c_void, quality: c_int) -> c_int;
    fn lame_set_bWriteVbrTag(gfp: *mut c_void, write: c_int) -> c_int;
    fn lame_init_params(gfp: *mut c_void) -> c_int;
    fn lame_get_brate(gfp: *const c_void) -> c_int;
    fn lame_get_out_samplerate(gfp: *const c_void) -> c_int;
    fn lame_encode_buffer(
        gfp: *mut c_void,
        left: *const c_short,
        right: *const c_short,
        samples_per_channel: c_int,
        mp3buf: *mut c_uchar,
        mp3buf_size: c_int,
    ) -> c_int;
    fn lame_encode_buffer_interleaved(
        gfp: *mut c_void,
        pcm: *mut c_short,
        samples_per_channel: c_int,
        mp3buf: *mut c_uchar,
        mp3buf_size: c_int,
    ) -> c_int;
    fn lame_encode_flush(gfp: *mut c_void, mp3buf: *mut c_uchar, size: c_int) -> c_int;
    fn lame_get_lametag_frame(gfp: *const c_void, buffer: *mut c_uchar, size: usize) -> usize;
}

/// Samples handed to LAME per call, per channel: bounds its output buffer.
const CHUNK: usize = 8_192;
/// LAME's worst case for `n` samples per channel: 1.25 n + 7200 bytes (lame.h).
fn room_for(n: usize) -> usize {
    n + n / 4 + 7_200
}

/// LAME's state, closed when dropped. Not shared: one owner, one thread at a time.
pub(crate) struct Lame {
    gfp: *mut c_void,
}

// SAFETY: LAME's state has no thread affinity; `Lame` is owned (not `Sync`), so only one
// thread uses it at a time.
unsafe impl Send for Lame {}

impl Lame {
    pub(crate) fn new(s: Mp3Settings) -> Result<Lame, Mp3Error> {
        // SAFETY: `lame_init` takes nothing and returns a new state or null.
        let gfp = unsafe { lame_init() };
        if gfp.is_null() {
            return Err(Mp3Error::NoEncoder);
        }
        let lame = Lame { gfp };
        let mode = if s.channels == 1 {
            MODE_MONO
        } else {
            MODE_STEREO
        };
        // SAFETY: `gfp` is a live state from `lame_init`; the setters only store integers.
        let settings = unsafe {
            [
                lame_set_in_samplerate(gfp, s.rate_hz as c_int),
                lame_set_out_samplerate(gfp, s.rate_hz as c_int),
                lame_set_num_channels(gfp, c_int::from(s.channels)),
                lame_set_mode(gfp, mode),
                lame_set_VBR(gfp, VBR_OFF),
                lame_set_brate(gfp, s.kbps as c_int),
                lame_set_quality(gfp, QUALITY),
                // The Info frame tells decoders the encoder's delay and padding, so the
                // decoded audio lines up with the recording's time (gapless).
                lame_set_bWriteVbrTag(gfp, 1),
            ]
        };
        if let Some(&code) = settings.iter().find(|&&c| c < 0) {
            return Err(Mp3Error::Settings(code));
        }
        // SAFETY: as above; `lame_init_params` checks the settings together.
        let code = unsafe { lame_init_params(gfp) };
        if code < 0 {
            return Err(Mp3Error::Settings(code));
        }
        // LAME adjusts a bitrate or rate its MPEG version lacks instead of refusing it; a
        // recording must be what was asked for, so refuse.
        // SAFETY: as above; the getters only read integers.
        let (kbps, rate) = unsafe { (lame_get_brate(gfp), lame_get_out_samplerate(gfp)) };
        if kbps != s.kbps as c_int || rate != s.rate_hz as c_int {
            return Err(Mp3Error::Unsupported {
                kbps: s.kbps,
                rate_hz: s.rate_hz,
            });
        }
        Ok(lame)
    }

    /// Encodes `pcm` (interleaved, `channels` of them), appending to `out`.
    pub(crate) fn encode(
        &mut self,
        pcm: &[i16],
        channels: usize,
        out: &mut Vec<u8>,
    ) -> Result<(), Mp3Error> {
        out.clear();
        let mut buf = vec![0u8; room_for(CHUNK)];
        for chunk in pcm.chunks(CHUNK * channels) {
            let per_channel = chunk.len() / channels;
            let written = if channels == 1 {
                // SAFETY: `chunk` holds `per_channel` samples (the right channel is ignored in
                // mono); `buf` has room for LAME's worst case of that many samples.
                unsafe {
                    lame_encode_buffer(
                        self.gfp,
                        chunk.as_ptr(),
                        chunk.as_ptr(),
                        per_channel as c_int,
                        buf.as_mut_ptr(),
                        buf.len() as c_int,
                    )
                }
            } else {
                // LAME's prototype takes a mutable pointer but only reads the samples.
                let mut copy = chunk.to_vec();
                // SAFETY: `copy` holds `per_channel` interleaved stereo frames; `buf` has
                // room for LAME's worst case of that many.
                unsafe {
                    lame_encode_buffer_interleaved(
                        self.gfp,
                        copy.as_mut_ptr(),
                        per_channel as c_int,
                        buf.as_mut_ptr(),
                        buf.len() as c_int,
                    )
                }
            };
            if written < 0 {
                return Err(Mp3Error::Encode(written));
            }
            out.extend_from_slice(&buf[..written as usize]);
        }
        Ok(())
    }

    /// The last frames, appended to `out`; then the Info frame to write over the stream's
    /// first frame.
    pub(crate) fn flush(&mut self, out: &mut Vec<u8>) -> Result<Vec<u8>, Mp3Error> {
        out.clear();
        let mut buf = vec![0u8; room_for(CHUNK)];
        // SAFETY: `buf` has at least the 7200 bytes lame.h asks for a flush.
        let written = unsafe { lame_encode_flush(self.gfp, buf.as_mut_ptr(), buf.len() as c_int) };
        if written < 0 {
            return Err(Mp3Error::Encode(written));
        }
        out.extend_from_slice(&buf[..written as usize]);
        let mut tag = vec![0u8; 8_192];
        // SAFETY: `tag` is `tag.len()` bytes; LAME writes at most that and returns the size
        // (or the size it would need, larger than `tag.len()`, writing nothing).
        let n = unsafe { lame_get_lametag_frame(self.gfp, tag.as_mut_ptr(), tag.len()) };
        tag.truncate(if n <= 8_192 { n } else { 0 });
        Ok(tag)
    }
}

impl Drop for Lame {
    fn drop(&mut self) {
        // SAFETY: `gfp` came from `lame_init` and is closed once, here.
        unsafe {
            lame_close(self.gfp);
        }
    }
}
