//! Per-listener mixing: every participant hears the sum of everyone else — or, while the
//! customer is on hold, the customer hears the hold music and the managers hear only each
//! other. The recording tap is everyone's own voice, never the music.

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

/// Whether a room's customer is on hold, and what they hear meanwhile.
#[derive(Debug, Clone, Copy)]
pub enum Hold<'a> {
    /// Everyone hears everyone else.
    Off,
    /// Leg `customer` hears `music` (one frame) instead of the managers; the managers hear
    /// each other but not the customer.
    On {
        /// The held customer's index in the inputs.
        customer: usize,
        /// This frame of hold music.
        music: &'a [i16],
    },
}

/// Mixes one 20 ms frame of a room: `outputs[i]` is what leg `i` hears, `tap` the sum of every
/// leg's own voice (the recording; hold music never enters it). Saturating, like
/// [`mix_minus_one`], which this is while nobody is held.
pub fn mix_room(
    inputs: &[&[i16]],
    hold: Hold<'_>,
    outputs: &mut Vec<Vec<i16>>,
    tap: &mut Vec<i16>,
) {
    let len = inputs.iter().map(|f| f.len()).max().unwrap_or(0);
    let mut voices = vec![0i32; len];
    for frame in inputs {
        for (t, &s) in voices.iter_mut().zip(frame.iter()) {
            *t += i32::from(s);
        }
    }
    tap.clear();
    tap.extend(voices.iter().map(|&t| saturate(t)));
    // What the managers hear while the customer is held: everyone but the customer.
    let held = match hold {
        Hold::Off => None,
        Hold::On { customer, music } => inputs.get(customer).map(|c| (customer, *c, music)),
    };
    outputs.resize_with(inputs.len(), Vec::new);
    for (i, (frame, out)) in inputs.iter().zip(outputs.iter_mut()).enumerate() {
        out.clear();
        match held {
            Some((customer, _, music)) if i == customer => {
                out.extend((0..len).map(|k| music.get(k).copied().unwrap_or(0)));
            }
            Some((_, customer_frame, _)) => out.extend((0..len).map(|k| {
                let heard = voices[k] - sample(frame, k) - sample(customer_frame, k);
                saturate(heard)
            })),
            None => out.extend((0..len).map(|k| saturate(voices[k] - sample(frame, k)))),
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

    #[test]
    fn on_hold_the_customer_hears_music_and_the_managers_each_other() {
        let customer = [1000i16, 1000];
        let (minji, doyun) = ([10i16, 10], [200i16, 200]);
        let music = [7i16, 8];
        let (mut out, mut tap) = (Vec::new(), Vec::new());
        let hold = Hold::On {
            customer: 0,
            music: &music,
        };
        mix_room(&[&customer, &minji, &doyun], hold, &mut out, &mut tap);
        assert_eq!(out[0], vec![7, 8], "the customer hears the music only");
        assert_eq!(
            out[1],
            vec![200, 200],
            "a manager hears the other, not the customer"
        );
        assert_eq!(out[2], vec![10, 10]);
        assert_eq!(tap, vec![1210, 1210], "the tap is every voice and no music");
    }

    #[test]
    fn off_hold_the_room_is_mix_minus_one_with_a_tap() {
        let legs: [&[i16]; 3] = [&[100, 200], &[10, 20], &[1, 2]];
        let (mut room, mut tap, mut plain) = (Vec::new(), Vec::new(), Vec::new());
        mix_room(&legs, Hold::Off, &mut room, &mut tap);
        mix_minus_one(&legs, &mut plain);
        assert_eq!(room, plain);
        assert_eq!(tap, vec![111, 222]);
    }

    #[test]
    fn a_held_customer_with_one_manager_leaves_the_manager_in_silence() {
        let (mut out, mut tap) = (Vec::new(), Vec::new());
        let hold = Hold::On {
            customer: 1,
            music: &[5, 5],
        };
        mix_room(&[&[300, 300], &[-40, -40]], hold, &mut out, &mut tap);
        assert_eq!(out, vec![vec![0, 0], vec![5, 5]]);
        assert_eq!(tap, vec![260, 260]);
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
