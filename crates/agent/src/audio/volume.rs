//! Volume sliders: a percent made a gain and put on a frame.

/// The linear gain of a slider at `percent` (100: as is). Cubic, as PulseAudio's volumes are:
/// equal steps of the slider sound like equal steps of loudness (50 % is −18 dB, 200 % is
/// +18 dB), where a linear slider does nothing audible over its upper half.
pub fn slider_gain(percent: u16) -> f32 {
    (f32::from(percent) / 100.0).powi(3)
}

/// Multiplies `frame` by `gain`, saturating rather than wrapping when a raised signal would
/// overflow.
pub fn apply(frame: &mut [i16], gain: f32) {
    if gain == 1.0 {
        return;
    }
    for s in frame {
        *s = (f32::from(*s) * gain).clamp(f32::from(i16::MIN), f32::from(i16::MAX)) as i16;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db(gain: f32) -> f32 {
        20.0 * gain.log10()
    }

    #[test]
    fn the_slider_is_cubic_around_as_is() {
        assert_eq!(slider_gain(100), 1.0);
        assert_eq!(slider_gain(0), 0.0);
        assert!(
            (db(slider_gain(50)) + 18.06).abs() < 0.1,
            "{}",
            db(slider_gain(50))
        );
        assert!(
            (db(slider_gain(200)) - 18.06).abs() < 0.1,
            "{}",
            db(slider_gain(200))
        );
    }

    #[test]
    fn a_raised_frame_saturates_instead_of_wrapping() {
        let mut frame = [10_000, -10_000, 100, 0];
        apply(&mut frame, slider_gain(200));
        assert_eq!(frame, [i16::MAX, i16::MIN, 800, 0]);
        let mut as_is = [1234, -5];
        apply(&mut as_is, slider_gain(100));
        assert_eq!(as_is, [1234, -5]);
    }
}
