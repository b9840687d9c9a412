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
/// The most mel bands a Whisper model takes (large-v3's 128; the others have 80).
const MAX_MELS: usize = 128;
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
    w.write_model(&hparams, &tokens)
        .with_context(|| format!("converting {} to {}", model_bin.display(), out.display()))?;
    w.out
        .flush()
        .with_context(|| format!("writing {}", out.display()))?;
    let unused: Vec<&str> = m.tensor_names().filter(|n| !w.used.contains(*n)).collect();
    if !unused.is_empty() {
        eprintln!(
            "warning: {} has tensors whisper.cpp has no place for: {unused:?}",
            model_bin.display()
        );
    }
    if w.max_key_bias != 0.0 {
        // Softmax ignores a constant added to a whole row, which is what a key bias adds.
        eprintln!(
            "note: dropped a non-zero key bias (max |b| = {}), which changes nothing",
            w.max_key_bias
        );
    }
    Ok(())
}

/// Refuses the CTranslate2 models whisper.cpp would run wrongly (not Whisper, low-rank,
/// scaled embeddings, post-norm, another activation, an untied or biased output projection).
fn check_architecture(m: &Model) -> anyhow::Result<()> {
    if m.spec != "WhisperSpec" {
        bail!("spec {}, expected WhisperSpec", m.spec);
    }
    if m.names()
        .any(|k| k.contains("low_rank") || k.contains("linear_0_noact"))
    {
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
                bail!(
                    "decoder/projection/weight differs from the token embedding; whisper.cpp ties them"
                );
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
        ref other => {
            bail!("encoder/conv1/weight is shaped {other:?}, expected [{n_audio_state}, n_mels, 3]")
        }
    };
    if !(1..=MAX_MELS).contains(&n_mels) {
        bail!("encoder/conv1/weight takes {n_mels} mel bands; Whisper has 80 (or 128)");
    }
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
    fn write_model(&mut self, hparams: &[usize; 10], tokens: &[Vec<u8>]) -> anyhow::Result<()> {
        let [
            _,
            _,
            n_audio_state,
            _,
            n_audio_layer,
            _,
            n_text_state,
            _,
            n_text_layer,
            n_mels,
        ] = *hparams;
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

        self.put(
            "encoder.positional_embedding",
            "encoder/position_encodings/encodings",
            true,
        )?;
        for conv in ["conv1", "conv2"] {
            self.put(
                &format!("encoder.{conv}.weight"),
                &format!("encoder/{conv}/weight"),
                false,
            )?;
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
            self.layer_norm(
                &format!("{t}.attn_ln"),
                &format!("{s}/self_attention/layer_norm"),
            )?;
            let qkv = format!("{s}/self_attention/linear_0");
            self.split(
                &format!("{t}.attn"),
                &qkv,
                &["query", "key", "value"],
                n_audio_state,
            )?;
            self.linear(
                &format!("{t}.attn.out"),
                &format!("{s}/self_attention/linear_1"),
            )?;
            self.feed_forward(&t, &s)?;
        }
        self.layer_norm("encoder.ln_post", "encoder/layer_norm")?;

        self.put(
            "decoder.positional_embedding",
            "decoder/position_encodings/encodings",
            true,
        )?;
        self.put(
            "decoder.token_embedding.weight",
            "decoder/embeddings/weight",
            false,
        )?;
        for l in 0..n_text_layer {
            let (s, t) = (format!("decoder/layer_{l}"), format!("decoder.blocks.{l}"));
            self.layer_norm(
                &format!("{t}.attn_ln"),
                &format!("{s}/self_attention/layer_norm"),
            )?;
            let qkv = format!("{s}/self_attention/linear_0");
            self.split(
                &format!("{t}.attn"),
                &qkv,
                &["query", "key", "value"],
                n_text_state,
            )?;
            self.linear(
                &format!("{t}.attn.out"),
                &format!("{s}/self_attention/linear_1"),
            )?;
            let (dst, src) = (format!("{t}.cross_attn"), format!("{s}/attention"));
            self.layer_norm(&format!("{t}.cross_attn_ln"), &format!("{src}/layer_norm"))?;
            self.linear(&format!("{dst}.query"), &format!("{src}/linear_0"))?;
            self.split(
                &dst,
                &format!("{src}/linear_1"),
                &["key", "value"],
                n_text_state,
            )?;
            self.linear(&format!("{dst}.out"), &format!("{src}/linear_2"))?;
            self.feed_forward(&t, &s)?;
        }
        self.layer_norm("decoder.ln", "decoder/layer_norm")?;

        let expected = (1 + 4 + 15 * n_audio_layer + 2) + (2 + 24 * n_text_layer + 2);
        if self.tensors != expected {
            bail!(
                "wrote {} tensors, whisper.cpp expects {expected}",
                self.tensors
            );
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
            self.tensor(
                &format!("{dst}.{part}.weight"),
                &weight.rows(rows.clone())?,
                false,
            )?;
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

#[cfg(test)]
mod tests {
    use super::super::ct2::testing::model_bin;
    use super::*;

    /// A variable as the tests write it: name, shape, CTranslate2 dtype id, data.
    type Var = (String, Vec<usize>, u8, Vec<u8>);

    /// The state size of the tiny model.
    const D: usize = 2;

    /// A float16 variable holding small integers (exact in float16).
    fn f16(name: &str, shape: &[usize]) -> Var {
        let n: usize = shape.iter().product();
        let data = (0..n)
            .flat_map(|k| f32_to_f16((k % 7) as f32 - 3.0).to_le_bytes())
            .collect();
        (name.into(), shape.to_vec(), 4, data)
    }

    /// A one-element int8 (dtype 1) or int16 (dtype 2) variable.
    fn scalar(name: &str, dtype: u8, v: i16) -> Var {
        let data = if dtype == 1 {
            v.to_le_bytes()[..1].to_vec()
        } else {
            v.to_le_bytes().to_vec()
        };
        (name.into(), vec![], dtype, data)
    }

    /// The variables of a linear layer `name` with `rows` outputs.
    fn linear(vars: &mut Vec<Var>, name: &str, rows: usize, cols: usize) {
        vars.push(f16(&format!("{name}/weight"), &[rows, cols]));
        vars.push(f16(&format!("{name}/bias"), &[rows]));
    }

    /// A layer norm's variables.
    fn norm(vars: &mut Vec<Var>, name: &str) {
        vars.push(f16(&format!("{name}/gamma"), &[D]));
        vars.push(f16(&format!("{name}/beta"), &[D]));
    }

    /// A tiny Whisper in CTranslate2's layout (state 2, one layer each side, 2 mel bands, 3
    /// tokens): float16, but for one int8 weight with per-row scales.
    fn tiny() -> Vec<Var> {
        let mut v = vec![
            f16("encoder/position_encodings/encodings", &[3, D]),
            f16("encoder/conv1/weight", &[D, 2, 3]),
            f16("encoder/conv1/bias", &[D]),
            f16("encoder/conv2/weight", &[D, D, 3]),
            f16("encoder/conv2/bias", &[D]),
            scalar("encoder/num_heads", 2, 1),
            f16("decoder/embeddings/weight", &[3, D]),
            f16("decoder/position_encodings/encodings", &[2, D]),
            scalar("decoder/num_heads", 2, 1),
            scalar("decoder/activation", 1, 3),
            scalar("decoder/pre_norm", 1, 1),
            scalar("decoder/scale_embeddings", 1, 0),
        ];
        for side in ["encoder", "decoder"] {
            let l = format!("{side}/layer_0");
            norm(&mut v, &format!("{l}/self_attention/layer_norm"));
            linear(&mut v, &format!("{l}/self_attention/linear_0"), 3 * D, D);
            linear(&mut v, &format!("{l}/self_attention/linear_1"), D, D);
            norm(&mut v, &format!("{l}/ffn/layer_norm"));
            linear(&mut v, &format!("{l}/ffn/linear_1"), D, 4 * D);
            norm(&mut v, &format!("{side}/layer_norm"));
        }
        let l = "decoder/layer_0/attention";
        norm(&mut v, &format!("{l}/layer_norm"));
        linear(&mut v, &format!("{l}/linear_0"), D, D);
        linear(&mut v, &format!("{l}/linear_1"), 2 * D, D);
        linear(&mut v, &format!("{l}/linear_2"), D, D);
        linear(&mut v, "decoder/layer_0/ffn/linear_0", 4 * D, D);
        let fc1 = "encoder/layer_0/ffn/linear_0";
        v.push((
            format!("{fc1}/weight"),
            vec![4 * D, D],
            1,
            (1..=16).collect(),
        ));
        let scales = (1..=4 * D).flat_map(|r| (r as f32).to_le_bytes()).collect();
        v.push((format!("{fc1}/weight_scale"), vec![4 * D], 0, scales));
        v.push(f16(&format!("{fc1}/bias"), &[4 * D]));
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    }

    /// A directory with `vars` as model.bin and a 3-token vocabulary.
    fn model_dir(test: &str, vars: &[Var]) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("ringdesk-ggml-{test}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let alias = [("decoder/projection/weight", "decoder/embeddings/weight")];
        std::fs::write(
            dir.join("model.bin"),
            model_bin("WhisperSpec", vars, &alias),
        )
        .unwrap();
        std::fs::write(
            dir.join("vocabulary.json"),
            r#"["a", "Ġb", "<|endoftext|>"]"#,
        )
        .unwrap();
        dir
    }

    /// A tensor as read back: name, type (0 f32, 1 f16), ne (innermost first), data.
    type Out = (String, i32, Vec<i32>, Vec<u8>);

    /// Reads a ggml file in order.
    struct Reader<'a> {
        /// The file.
        file: &'a [u8],
        /// The next byte to read.
        p: usize,
    }

    impl Reader<'_> {
        /// The next `n` bytes.
        fn bytes(&mut self, n: usize) -> Vec<u8> {
            self.p += n;
            self.file[self.p - n..self.p].to_vec()
        }

        /// The next i32.
        fn int(&mut self) -> i32 {
            i32::from_le_bytes(self.bytes(4).try_into().unwrap())
        }

        /// The next i32 as a size.
        fn size(&mut self) -> usize {
            usize::try_from(self.int()).unwrap()
        }
    }

    /// Reads a ggml file back: the 12 header numbers, the tokens and the tensors.
    fn read_back(file: &[u8]) -> (Vec<i32>, Vec<Vec<u8>>, Vec<Out>) {
        let mut r = Reader { file, p: 0 };
        let header: Vec<i32> = (0..12).map(|_| r.int()).collect();
        let (n_mels, n_bins) = (r.size(), r.size());
        assert_eq!((n_mels, n_bins), (2, 201));
        r.bytes(4 * n_mels * n_bins);
        let tokens = (0..r.size())
            .map(|_| {
                let n = r.size();
                r.bytes(n)
            })
            .collect();
        let mut tensors = Vec::new();
        while r.p < file.len() {
            let (dims, name_len, ty) = (r.size(), r.size(), r.int());
            let ne: Vec<i32> = (0..dims).map(|_| r.int()).collect();
            let name = String::from_utf8(r.bytes(name_len)).unwrap();
            let n: usize = ne.iter().map(|&d| usize::try_from(d).unwrap()).product();
            let data = r.bytes(n * if ty == 1 { 2 } else { 4 });
            tensors.push((name, ty, ne, data));
        }
        (header, tokens, tensors)
    }

    /// The tiny model converts to whisper.cpp's tensor set: names, types, shapes, split
    /// projections without key biases, de-quantized int8, the tokens' bytes.
    #[test]
    fn converts_a_tiny_model() {
        let dir = model_dir("tiny", &tiny());
        let out = dir.join("ggml.bin");
        convert(&dir, &out).unwrap();
        let (header, tokens, tensors) = read_back(&std::fs::read(&out).unwrap());
        assert_eq!(header, [0x6767_6d6c, 3, 3, 2, 1, 1, 2, 2, 1, 1, 2, 1]);
        assert_eq!(tokens, [b"a".to_vec(), b" b".to_vec()]);
        assert_eq!(tensors.len(), (1 + 4 + 15 + 2) + (2 + 24 + 2));
        let find = |name: &str| tensors.iter().find(|t| t.0 == name);
        let get = |name: &str| find(name).unwrap_or_else(|| panic!("no {name}"));
        assert!(find("encoder.blocks.0.attn.key.bias").is_none());
        assert!(find("decoder.blocks.0.cross_attn.key.bias").is_none());
        assert_eq!(
            (get("encoder.conv1.bias").1, &get("encoder.conv1.bias").2),
            (0, &vec![1, 2])
        );
        assert_eq!(
            (
                get("encoder.conv1.weight").1,
                &get("encoder.conv1.weight").2
            ),
            (1, &vec![3, 2, 2])
        );
        assert_eq!(get("encoder.positional_embedding").1, 0);
        assert_eq!(get("decoder.token_embedding.weight").2, [2, 3]);
        // The fused [q; k; v] holds (k % 7) - 3 for k = 0..: key is rows 2..4, elements 4..8.
        let halves = |v: &[f32]| {
            v.iter()
                .flat_map(|&x| f32_to_f16(x).to_le_bytes())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            get("encoder.blocks.0.attn.key.weight").3,
            halves(&[1.0, 2.0, 3.0, -3.0])
        );
        assert_eq!(
            get("decoder.blocks.0.cross_attn.value.weight").3,
            halves(&[1.0, 2.0, 3.0, -3.0])
        );
        // int8 q = 1..=16 in rows of 2, row r's scale r (from 1): w = q / scale.
        let fc1: Vec<f32> = (1..=8u8)
            .flat_map(|r| [f32::from(2 * r - 1) / f32::from(r), 2.0])
            .collect();
        assert_eq!(get("encoder.blocks.0.mlp.0.weight").3, halves(&fc1));
        let ln = get("decoder.ln.bias");
        assert_eq!((ln.1, ln.3.len()), (0, 8));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// A missing tensor, a model whisper.cpp would run wrongly and a cut model.bin are errors
    /// naming the problem (never a panic).
    #[test]
    fn refuses_bad_models() {
        let error = |test: &str, vars: &[Var]| {
            let dir = model_dir(test, vars);
            let err = format!("{:#}", convert(&dir, &dir.join("ggml.bin")).unwrap_err());
            std::fs::remove_dir_all(&dir).unwrap();
            err
        };
        let mut vars = tiny();
        vars.retain(|v| v.0 != "decoder/layer_0/attention/linear_2/bias");
        let err = error("missing", &vars);
        assert!(
            err.contains("no variable decoder/layer_0/attention/linear_2/bias"),
            "{err}"
        );
        let mut vars = tiny();
        vars.iter_mut()
            .filter(|v| v.0 == "decoder/scale_embeddings")
            .for_each(|v| v.3 = vec![1]);
        let err = error("scaled", &vars);
        assert!(err.contains("scale_embeddings"), "{err}");
        let dir = model_dir("cut", &tiny());
        let bin = std::fs::read(dir.join("model.bin")).unwrap();
        std::fs::write(dir.join("model.bin"), &bin[..bin.len() - 100]).unwrap();
        let err = format!("{:#}", convert(&dir, &dir.join("ggml.bin")).unwrap_err());
        assert!(
            err.contains("model.bin is not a complete CTranslate2 model"),
            "{err}"
        );
        assert!(err.contains("truncated"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
