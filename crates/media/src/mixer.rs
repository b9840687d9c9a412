//! Per-listener mixing: every participant hears the sum of everyone else on their line — a
//! held customer (or a parallel party waiting) hears the hold music instead, and nobody hears
//! them. (The recording takes each leg's own voice before mixing: `recording.rs`.)

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

/// Where one leg of a room is this frame: on a line, hearing and heard by the others on it,
/// or waiting with the hold music, heard by nobody. A plain call is everyone on line 1; hold
/// puts the customer on the music; a parallel call adds line 2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LegPlace {
    /// On this line.
    Line(u8),
    /// On hold: hears `music`.
    #[default]
    Music,
}

/// Whether leg `i` hears anything wider than the phone band: a wideband leg (`wide[j]`) on
/// its line, or the hold music (16 kHz) when it is on hold. Its encoder need spend nothing
/// above 4 kHz otherwise ([`crate::opus_codec::MixBand`]).
pub fn hears_wideband(places: &[LegPlace], wide: &[bool], i: usize) -> bool {
    let place = places.get(i).copied().unwrap_or(LegPlace::Line(1));
    match place {
        LegPlace::Music => true,
        LegPlace::Line(_) => places
            .iter()
            .zip(wide)
            .enumerate()
            .any(|(j, (p, w))| j != i && *w && *p == place),
    }
}

/// Mixes one 20 ms frame of a room at a time: `outputs[i]` is what leg `i` hears — the others
/// on its line, or `music`. Legs without a place are on line 1. Saturating, like
/// [`mix_minus_one`], which this is when everyone is on one line. It keeps its per-line sums
/// between frames, so a room mixes without allocating.
#[derive(Debug, Default)]
pub struct RoomMixer {
    /// Per line: the sum of its legs' voices this frame. A room has one or two lines, so a
    /// short list beats a map.
    lines: Vec<(u8, Vec<i32>)>,
}

impl RoomMixer {
    /// Mixes one frame; see the type's docs.
    pub fn mix(
        &mut self,
        inputs: &[&[i16]],
        places: &[LegPlace],
        music: &[i16],
        outputs: &mut Vec<Vec<i16>>,
    ) {
        let len = inputs.iter().map(|f| f.len()).max().unwrap_or(0);
        let place = |i: usize| places.get(i).copied().unwrap_or(LegPlace::Line(1));
        for (_, sum) in &mut self.lines {
            sum.clear();
            sum.resize(len, 0);
        }
        // One pass per leg on a line: into its line's sum (a waiting leg is heard by nobody).
        for (i, frame) in inputs.iter().enumerate() {
            let sum = match place(i) {
                LegPlace::Music => continue,
                LegPlace::Line(l) => match self.lines.iter().position(|(n, _)| *n == l) {
                    Some(k) => &mut self.lines[k].1,
                    None => {
                        self.lines.push((l, vec![0i32; len]));
                        &mut self.lines.last_mut().expect("just pushed").1
                    }
                },
            };
            for (t, &s) in sum.iter_mut().zip(frame.iter()) {
                *t += i32::from(s);
            }
        }
        outputs.resize_with(inputs.len(), Vec::new);
        for (i, (frame, out)) in inputs.iter().zip(outputs.iter_mut()).enumerate() {
            out.clear();
            match place(i) {
                LegPlace::Music => out.extend((0..len).map(|k| music.get(k).copied().unwrap_or(0))),
                LegPlace::Line(l) => {
                    let sum = &self
                        .lines
                        .iter()
                        .find(|(n, _)| *n == l)
                        .expect("summed above")
                        .1;
                    out.extend(
                        sum.iter()
                            .enumerate()
                            .map(|(k, &t)| saturate(t - sample(frame, k))),
                    );
                }
            }
        }
    }
}

fn sample(frame: &[i16], k: usize) -> i32 {
    frame.get(k).copied().map_or(0, i32::from)
}

fn saturate(s: i32) -> i16 {
    s.clamp(i32::from(i16::MIN), i32::from(i16::MAX)) as i16
}

#[cfg(test)]
mod tests {
    use super::*;

    use LegPlace::{Line, Music};

    #[test]
    fn a_leg_hears_wideband_from_a_wide_leg_on_its_line_or_the_music() {
        // A phone customer and one manager: the manager hears the phone band only.
        assert!(!hears_wideband(&[Line(1), Line(1)], &[false, true], 1));
        // The customer hears the manager's wideband voice.
        assert!(hears_wideband(&[Line(1), Line(1)], &[false, true], 0));
        // A second manager on the line: each manager hears the other.
        let three = [Line(1), Line(1), Line(1)];
        assert!(hears_wideband(&three, &[false, true, true], 1));
        // The second manager on line 2 (a parallel call): the first hears the customer only.
        let parallel = [Line(1), Line(1), Line(2)];
        assert!(!hears_wideband(&parallel, &[false, true, true], 1));
        // On hold: the 16 kHz music.
        assert!(hears_wideband(&[Music, Line(1)], &[false, true], 0));
        // A browser visitor is wide.
        assert!(hears_wideband(&[Line(1), Line(1)], &[true, true], 1));
    }

    #[test]
    fn on_hold_the_customer_hears_music_and_the_managers_each_other() {
        let customer = [1000i16, 1000];
        let (minji, doyun) = ([10i16, 10], [200i16, 200]);
        let music = [7i16, 8];
        let mut out = Vec::new();
        let places = [Music, Line(1), Line(1)];
        RoomMixer::default().mix(&[&customer, &minji, &doyun], &places, &music, &mut out);
        assert_eq!(out[0], vec![7, 8], "the customer hears the music only");
        assert_eq!(
            out[1],
            vec![200, 200],
            "a manager hears the other, not the customer"
        );
        assert_eq!(out[2], vec![10, 10]);
    }

    #[test]
    fn on_one_line_the_room_is_mix_minus_one() {
        let legs: [&[i16]; 3] = [&[100, 200], &[10, 20], &[1, 2]];
        let (mut room, mut plain) = (Vec::new(), Vec::new());
        RoomMixer::default().mix(&legs, &[], &[], &mut room);
        mix_minus_one(&legs, &mut plain);
        assert_eq!(room, plain);
    }

    #[test]
    fn a_held_customer_with_one_manager_leaves_the_manager_in_silence() {
        let mut out = Vec::new();
        let legs: [&[i16]; 2] = [&[-40, -40], &[300, 300]];
        RoomMixer::default().mix(&legs, &[Line(1), Music], &[5, 5], &mut out);
        assert_eq!(out, vec![vec![0, 0], vec![5, 5]]);
    }

    #[test]
    fn a_mixer_reused_across_frames_forgets_the_last_one() {
        let mut mixer = RoomMixer::default();
        let mut out = Vec::new();
        mixer.mix(&[&[100], &[7]], &[Line(1), Line(2)], &[], &mut out);
        mixer.mix(&[&[1], &[2]], &[Line(1), Line(1)], &[], &mut out);
        assert_eq!(out, vec![vec![2], vec![1]]);
    }

    #[test]
    fn two_lines_do_not_hear_each_other() {
        // Customer on hold; the manager talks with the parallel party on line 2 while a
        // teammate stays on line 1.
        let legs: [&[i16]; 4] = [&[1000], &[300], &[20], &[4]];
        let places = [Music, Line(2), Line(2), Line(1)];
        let mut out = Vec::new();
        RoomMixer::default().mix(&legs, &places, &[9], &mut out);
        assert_eq!(out, vec![vec![9], vec![20], vec![300], vec![0]]);
    }

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
