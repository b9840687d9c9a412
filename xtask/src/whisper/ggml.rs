//! Converts a CTranslate2 Whisper model directory (`model.bin`, `vocabulary.json`) into the
//! single file whisper.cpp loads (its legacy "ggml" format, which whisper-rs takes), with
//! float16 weights: the cloud transcribes with whisper.cpp, but the Whisper model we can get
//! from a registry ships as a CTranslate2 model. The result has the layout of whisper.cpp's own
//! `ggml-base.bin` (OpenAI's tensor names; CTranslate2's fused q/k/v projections split by rows,
//! its all-zero key biases dropped; biases, norms and position tables as float32).
//!
//! File (little-endian): `u32 "ggml"`, 11 × i32 hyper-parameters (the last `ftype` = 1,
//! float16), `i32 n_mels, i32 n_bins`, the mel filters (f32), `i32 n_tokens` and per token
//! `i32 len` + bytes, then per tensor `i32 n_dims, i32 name_len, i32 type (0 f32, 1 f16)`,
//! the dimensions innermost first, the name and the data.

use std::collections::BTreeSet;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use anyhow::{Context, bail};

use super::ct2::{Model, Tensor};
use super::half::f32_to_f16;
use super::{mel, vocab};

/// "ggml", the file's magic number.
const MAGIC: u32 = 0x6767_6d6c;
/// whisper.cpp's `ftype` for float16 weights (float32 output would not run: whisper.cpp 1.8.3
/// needs float16 convolution kernels).
const FTYPE_F16: i32 = 1;
/// CTranslate2's id of exact GELU (`decoder/activation`), the only one whisper.cpp has.
const GELU: i64 = 3;

/// Writes `ct2_dir`'s model to `out` as a whisper.cpp file. The output is a function of the
/// input only (the same bytes every time).
pub(super) fn convert(ct2_dir: &Path, out: &Path) -> anyhow::Result<()> {
    let model_bin = ct2_dir.join("model.bin");
    let m = Model::load(&model_bin)?;
    check_architecture(&m).with_context(|| format!("{}", model_bin.display()))?;
    let hparams = hparams(&m).with_context(|| format!("{}", model_bin.display()))?;
    let tokens = vocab::tokens(&ct2_dir.join("vocabulary.json"))?;
    let file = File::create(out).with_context(|| format!("creating {}", out.display()))?;
    let mut w = Writer {
        m: &m,
        out: BufWriter::with_capacity(1 << 22, file),
        used: BTreeSet::new(),
        tensors: 0,
        max_key_bias: 0.0,
    };
    w.write_all(&hparams, &tokens)
        .with_context(|| format!("converting {} to {}", model_bin.display(), out.display()))?;
    w.out
        .flush()
        .with_context(|| format!("writing {}", out.display()))?;
    let unused: Vec<&str> = m.tensor_names().filter(|n| !w.used.contains(*n)).collect();
    if !unused.is_empty() {
        eprintln!("warning: {} has tensors whisper.cpp has no place for: {unused:?}", model_bin.display());
    }
    if w.max_key_bias != 0.0 {
        // Softmax ignores a constant added to a whole row, which is what a key bias adds.
        eprintln!("note: dropped a non-zero key bias (max |b| = {}), which changes nothing", w.max_key_bias);
    }
    Ok(())
}

/// Refuses the CTranslate2 models whisper.cpp would run wrongly (not Whisper, low-rank,
/// scaled embeddings, post-norm, another activation, an untied or biased output projection).
fn check_architecture(m: &Model) -> anyhow::Result<()> {
    if m.spec != "WhisperSpec" {
        bail!("spec {}, expected WhisperSpec", m.spec);
    }
    if m.names().any(|k| k.contains("low_rank") || k.contains("linear_0_noact")) {
        bail!("a low-rank or gated Whisper variant, which whisper.cpp cannot run");
    }
    let flag = |name: &str, want: i64| -> anyhow::Result<bool> {
        Ok(!m.has(name) || m.scalar(name)? == want)
    };
    if !flag("decoder/scale_embeddings", 0)? {
        bail!("decoder/scale_embeddings is set; whisper.cpp does not scale token embeddings");
    }
    if !flag("decoder/pre_norm", 1)? {
        bail!("the decoder is not pre-norm");
    }
    if !flag("decoder/activation", GELU)? {
        bail!("the decoder's activation is not exact GELU");
    }
    match m.stored_name("decoder/projection/weight") {
        None | Some("decoder/embeddings/weight") => {}
        Some(other) => {
            // An untied projection is only acceptable if it equals the embedding.
            if m.tensor(other)?.data != m.tensor("decoder/embeddings/weight")?.data {
                bail!("decoder/projection/weight differs from the token embedding; whisper.cpp ties them");
            }
        }
    }
    if m.has("decoder/projection/bias") {
        bail!("decoder/projection/bias is present; whisper.cpp has no output bias");
    }
    Ok(())
}

/// The hyper-parameters, read off the shapes and flags: n_vocab, n_audio_ctx, n_audio_state,
/// n_audio_head, n_audio_layer, n_text_ctx, n_text_state, n_text_head, n_text_layer, n_mels.
fn hparams(m: &Model) -> anyhow::Result<[usize; 10]> {
    let two = |name: &str| -> anyhow::Result<[usize; 2]> {
        match *m.shape(name)? {
            [a, b] => Ok([a, b]),
            ref other => bail!("{name} is shaped {other:?}, expected 2 dimensions"),
        }
    };
    let [n_vocab, n_text_state] = two("decoder/embeddings/weight")?;
    let [n_audio_ctx, n_audio_state] = two("encoder/position_encodings/encodings")?;
    let [n_text_ctx, _] = two("decoder/position_encodings/encodings")?;
    let n_mels = match *m.shape("encoder/conv1/weight")? {
        [out, n_mels, 3] if out == n_audio_state => n_mels,
        ref other => bail!("encoder/conv1/weight is shaped {other:?}, expected [{n_audio_state}, n_mels, 3]"),
    };
    let heads = |name: &str| -> anyhow::Result<usize> {
        usize::try_from(m.scalar(name)?).with_context(|| format!("{name} is negative"))
    };
    Ok([
        n_vocab,
        n_audio_ctx,
        n_audio_state,
        heads("encoder/num_heads")?,
        m.count_layers("encoder"),
        n_text_ctx,
        n_text_state,
        heads("decoder/num_heads")?,
        m.count_layers("decoder"),
        n_mels,
    ])
}

/// Writes the file, reading each tensor from the model as it goes.
struct Writer<'a> {
    /// The CTranslate2 model.
    m: &'a Model,
    /// The ggml file.
    out: BufWriter<File>,
    /// The stored variables read so far (to report any left over).
    used: BTreeSet<String>,
    /// Tensors written (whisper.cpp refuses a file missing one).
    tensors: usize,
    /// The largest key-bias magnitude dropped (CTranslate2 stores zeros there).
    max_key_bias: f32,
}

impl Writer<'_> {
    /// The header, the mel filters, the tokens and every tensor, in whisper.cpp's order.
    fn write_all(&mut self, hparams: &[usize; 10], tokens: &[Vec<u8>]) -> anyhow::Result<()> {
        let [_, _, n_audio_state, _, n_audio_layer, _, n_text_state, _, n_text_layer, n_mels] =
            *hparams;
        self.out.write_all(&MAGIC.to_le_bytes())?;
        for &v in hparams {
            self.i32(v)?;
        }
        self.out.write_all(&FTYPE_F16.to_le_bytes())?;
        self.i32(n_mels)?;
        self.i32(mel::N_FFT / 2 + 1)?;
        for x in mel::filters(n_mels) {
            self.out.write_all(&x.to_le_bytes())?;
        }
        self.i32(tokens.len())?;
        for t in tokens {
            self.i32(t.len())?;
            self.out.write_all(t)?;
        }

        self.put("encoder.positional_embedding", "encoder/position_encodings/encodings", true)?;
        for conv in ["conv1", "conv2"] {
            self.put(&format!("encoder.{conv}.weight"), &format!("encoder/{conv}/weight"), false)?;
            // whisper.cpp adds the bias to [time, channels]: it wants it shaped [channels, 1].
            let bias = self.get(&format!("encoder/{conv}/bias"))?;
            let bias = Tensor {
                shape: vec![bias.data.len(), 1],
                data: bias.data,
            };
            self.tensor(&format!("encoder.{conv}.bias"), &bias, true)?;
        }
        for l in 0..n_audio_layer {
            let (s, t) = (format!("encoder/layer_{l}"), format!("encoder.blocks.{l}"));
            self.layer_norm(&format!("{t}.attn_ln"), &format!("{s}/self_attention/layer_norm"))?;
            let qkv = format!("{s}/self_attention/linear_0");
            self.split(&format!("{t}.attn"), &qkv, &["query", "key", "value"], n_audio_state)?;
            self.linear(&format!("{t}.attn.out"), &format!("{s}/self_attention/linear_1"))?;
            self.feed_forward(&t, &s)?;
        }
        self.layer_norm("encoder.ln_post", "encoder/layer_norm")?;

        self.put("decoder.positional_embedding", "decoder/position_encodings/encodings", true)?;
        self.put("decoder.token_embedding.weight", "decoder/embeddings/weight", false)?;
        for l in 0..n_text_layer {
            let (s, t) = (format!("decoder/layer_{l}"), format!("decoder.blocks.{l}"));
            self.layer_norm(&format!("{t}.attn_ln"), &format!("{s}/self_attention/layer_norm"))?;
            let qkv = format!("{s}/self_attention/linear_0");
            self.split(&format!("{t}.attn"), &qkv, &["query", "key", "value"], n_text_state)?;
            self.linear(&format!("{t}.attn.out"), &format!("{s}/self_attention/linear_1"))?;
            let (dst, src) = (format!("{t}.cross_attn"), format!("{s}/attention"));
            self.layer_norm(&format!("{t}.cross_attn_ln"), &format!("{src}/layer_norm"))?;
            self.linear(&format!("{dst}.query"), &format!("{src}/linear_0"))?;
            self.split(&dst, &format!("{src}/linear_1"), &["key", "value"], n_text_state)?;
            self.linear(&format!("{dst}.out"), &format!("{src}/linear_2"))?;
            self.feed_forward(&t, &s)?;
        }
        self.layer_norm("decoder.ln", "decoder/layer_norm")?;

        let expected = (1 + 4 + 15 * n_audio_layer + 2) + (2 + 24 * n_text_layer + 2);
        if self.tensors != expected {
            bail!("wrote {} tensors, whisper.cpp expects {expected}", self.tensors);
        }
        Ok(())
    }

    /// A count or size as the file's i32.
    fn i32(&mut self, v: usize) -> anyhow::Result<()> {
        let v = i32::try_from(v).with_context(|| format!("{v} does not fit a ggml i32"))?;
        Ok(self.out.write_all(&v.to_le_bytes())?)
    }

    /// Reads CTranslate2 variable `name` (noting it and its scale as used).
    fn get(&mut self, name: &str) -> anyhow::Result<Tensor> {
        if let Some(stored) = self.m.stored_name(name) {
            let scale = format!("{stored}_scale");
            if self.m.has(&scale) {
                self.used.insert(scale);
            }
            self.used.insert(stored.to_string());
        }
        self.m.tensor(name)
    }

    /// Writes variable `src` as tensor `dst`.
    fn put(&mut self, dst: &str, src: &str, f32: bool) -> anyhow::Result<()> {
        let t = self.get(src)?;
        self.tensor(dst, &t, f32)
    }

    /// A layer norm: `gamma` and `beta` as `weight` and `bias`, float32.
    fn layer_norm(&mut self, dst: &str, src: &str) -> anyhow::Result<()> {
        self.put(&format!("{dst}.weight"), &format!("{src}/gamma"), true)?;
        self.put(&format!("{dst}.bias"), &format!("{src}/beta"), true)
    }

    /// A linear layer: its weight float16, its bias float32.
    fn linear(&mut self, dst: &str, src: &str) -> anyhow::Result<()> {
        self.put(&format!("{dst}.weight"), &format!("{src}/weight"), false)?;
        self.put(&format!("{dst}.bias"), &format!("{src}/bias"), true)
    }

    /// A block's feed-forward part (`ffn/` → `mlp_ln`, `mlp.0`, `mlp.2`).
    fn feed_forward(&mut self, t: &str, s: &str) -> anyhow::Result<()> {
        self.layer_norm(&format!("{t}.mlp_ln"), &format!("{s}/ffn/layer_norm"))?;
        self.linear(&format!("{t}.mlp.0"), &format!("{s}/ffn/linear_0"))?;
        self.linear(&format!("{t}.mlp.2"), &format!("{s}/ffn/linear_1"))
    }

    /// A fused projection (`[q; k; v]` or `[k; v]`, `d` rows each) as separate tensors. Whisper
    /// has no key bias (CTranslate2 fills zeros; whisper.cpp has no tensor for it): dropped.
    fn split(&mut self, dst: &str, src: &str, parts: &[&str], d: usize) -> anyhow::Result<()> {
        let weight = self.get(&format!("{src}/weight"))?;
        let bias = self.get(&format!("{src}/bias"))?;
        let rows = parts.len() * d;
        if weight.shape.len() != 2 || weight.shape[0] != rows || bias.shape != [rows] {
            bail!(
                "{src}: fused weight {:?} and bias {:?}, expected {rows} rows",
                weight.shape,
                bias.shape
            );
        }
        for (i, part) in parts.iter().enumerate() {
            let rows = i * d..(i + 1) * d;
            self.tensor(&format!("{dst}.{part}.weight"), &weight.rows(rows.clone())?, false)?;
            let b = bias.rows(rows)?;
            if *part == "key" {
                self.max_key_bias = b.data.iter().fold(self.max_key_bias, |a, x| a.max(x.abs()));
            } else {
                self.tensor(&format!("{dst}.{part}.bias"), &b, true)?;
            }
        }
        Ok(())
    }

    /// One tensor: float16 if it has 2 or more dimensions and `f32` is not asked for (biases,
    /// norms, positional embeddings must be float32: whisper.cpp checks each one's byte size).
    fn tensor(&mut self, name: &str, t: &Tensor, f32: bool) -> anyhow::Result<()> {
        let f16 = !f32 && t.shape.len() >= 2;
        self.i32(t.shape.len())?;
        self.i32(name.len())?;
        self.i32(usize::from(f16))?;
        for &d in t.shape.iter().rev() {
            self.i32(d)?; // ggml's ne[0] is the innermost (numpy's last) dimension
        }
        self.out.write_all(name.as_bytes())?;
        let mut data = Vec::with_capacity(t.data.len() * if f16 { 2 } else { 4 });
        for &x in &t.data {
            if f16 {
                data.extend_from_slice(&f32_to_f16(x).to_le_bytes());
            } else {
                data.extend_from_slice(&x.to_le_bytes());
            }
        }
        self.out.write_all(&data)?;
        self.tensors += 1;
        Ok(())
    }
}
