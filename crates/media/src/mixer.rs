//! Per-listener mixing: every participant hears the sum of everyone else.

/// Mixes one frame for each participant: output `i` is the saturating sum of all inputs but
/// input `i` (no one hears themselves). `inputs` are equal-length frames; a silent or absent
/// participant passes zeros. `outputs` is resized to match.
pub fn mix_minus_one(inputs: &[&[i16]], outputs: &mut Vec<Vec<i16>>) {
    let len = inputs.iter().map(|f| f.len()).max().unwrap_or(0);
    let mut total = vec![0i32; len];
    for frame in inputs {
        for (t, &s) in total.iter_mut().zip(frame.iter()) {
            *t += i32::from(s);
        }
    }
    outputs.resize_with(inputs.len(), Vec::new);
    for (frame, out) in inputs.iter().zip(outputs.iter_mut()) {
        out.clear();
        out.extend(total.iter().enumerate().map(|(k, &t)| {
            let own = frame.get(k).copied().map_or(0, i32::from);
            (t - own).clamp(i32::from(i16::MIN), i32::from(i16::MAX)) as i16
        }));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_hears_the_others_only() {
        let a = [100i16, 200];
        let b = [10i16, 20];
        let c = [1i16, 2];
        let mut out = Vec::new();
        mix_minus_one(&[&a, &b, &c], &mut out);
        assert_eq!(out, vec![vec![11, 22], vec![101, 202], vec![110, 220]]);
    }

    #[test]
    fn saturates_instead_of_wrapping() {
        let loud = [30_000i16];
        let mut out = Vec::new();
        mix_minus_one(&[&loud, &loud, &loud], &mut out);
        assert_eq!(out[0], vec![i16::MAX]);
        let quiet = [-30_000i16];
        mix_minus_one(&[&quiet, &quiet, &quiet], &mut out);
        assert_eq!(out[2], vec![i16::MIN]);
    }

    #[test]
    fn two_party_call_is_a_swap() {
        let mut out = Vec::new();
        mix_minus_one(&[&[1, 2, 3], &[4, 5, 6]], &mut out);
        assert_eq!(out, vec![vec![4, 5, 6], vec![1, 2, 3]]);
    }
}
