//! Korean text → the phonemes the Kokoro voice speaks: how a Korean reads a prompt aloud.
//!
//! Hangul is written by morpheme, not by sound: 합니다 is said [함니다], 좋아요 [조아요],
//! 같이 [가치]. A voice fed the letters mispronounces nearly every sentence, so this front-end
//! applies the standard pronunciation rules (표준 발음법) first — liaison, the seven final
//! sounds, nasalisation, liquidisation, aspiration around ㅎ, tensing after a stop,
//! palatalisation — and only then maps each sound to the IPA symbols of the voice's phoneme
//! set. Numbers are read in Sino-Korean (3번 → 삼번, 1,200 → 천이백); long digit runs and
//! numbers written with hyphens (phone numbers) digit by digit, 0 as 공. Latin letters are read
//! by their Korean names (ARS → 에이 알 에스).
//!
//! Pure text in, text out: no I/O, so every rule is a unit test.

/// The 19 initial consonants in Unicode's syllable order.
const INITIALS: [char; 19] = [
    'ㄱ', 'ㄲ', 'ㄴ', 'ㄷ', 'ㄸ', 'ㄹ', 'ㅁ', 'ㅂ', 'ㅃ', 'ㅅ', 'ㅆ', 'ㅇ', 'ㅈ', 'ㅉ', 'ㅊ', 'ㅋ',
    'ㅌ', 'ㅍ', 'ㅎ',
];
/// The 21 vowels in Unicode's syllable order.
const VOWELS: [char; 21] = [
    'ㅏ', 'ㅐ', 'ㅑ', 'ㅒ', 'ㅓ', 'ㅔ', 'ㅕ', 'ㅖ', 'ㅗ', 'ㅘ', 'ㅙ', 'ㅚ', 'ㅛ', 'ㅜ', 'ㅝ', 'ㅞ',
    'ㅟ', 'ㅠ', 'ㅡ', 'ㅢ', 'ㅣ',
];
/// The 27 finals in Unicode's syllable order (index 0, no final, is left out).
const FINALS: [char; 27] = [
    'ㄱ', 'ㄲ', 'ㄳ', 'ㄴ', 'ㄵ', 'ㄶ', 'ㄷ', 'ㄹ', 'ㄺ', 'ㄻ', 'ㄼ', 'ㄽ', 'ㄾ', 'ㄿ', 'ㅀ', 'ㅁ',
    'ㅂ', 'ㅄ', 'ㅅ', 'ㅆ', 'ㅇ', 'ㅈ', 'ㅊ', 'ㅋ', 'ㅌ', 'ㅍ', 'ㅎ',
];

/// One syllable as it is said: `initial` is `ㅇ` when it starts with the vowel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Syllable {
    initial: char,
    vowel: char,
    last: Option<char>,
    /// Written without a consonant (ㅇ), whatever liaison later moves into it.
    bare: bool,
}

/// Splits a precomposed Hangul syllable (가–힣) into its letters.
fn decompose(c: char) -> Option<Syllable> {
    let index = (c as u32).checked_sub(0xAC00)?;
    if index >= 11_172 {
        return None;
    }
    let last = (index % 28) as usize;
    let initial = INITIALS[(index / 28 / 21) as usize];
    Some(Syllable {
        initial,
        bare: initial == 'ㅇ',
        vowel: VOWELS[(index / 28 % 21) as usize],
        last: last.checked_sub(1).map(|i| FINALS[i]),
    })
}

/// The Korean text of `text` as it is read aloud, as the voice's phonemes: words separated by
/// spaces, sentence punctuation kept for the voice's pauses and intonation.
pub fn phonemes(text: &str) -> String {
    let spelled = spell_out(text);
    let mut out = String::new();
    for piece in spelled.split_inclusive(|c: char| !is_hangul(c)) {
        let (word, tail) = match piece.chars().last() {
            Some(c) if !is_hangul(c) => (&piece[..piece.len() - c.len_utf8()], Some(c)),
            _ => (piece, None),
        };
        out.push_str(&word_phonemes(word));
        match tail {
            Some(c @ ('.' | ',' | '?' | '!')) => out.push(c),
            Some('\n' | '。') => out.push('.'),
            Some(_) if !out.ends_with(' ') && !out.is_empty() => out.push(' '),
            _ => {}
        }
    }
    tidy(&out)
}

fn is_hangul(c: char) -> bool {
    decompose(c).is_some()
}

/// Collapses runs of spaces and puts punctuation right after the word it ends.
fn tidy(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            ' ' if out.is_empty() || out.ends_with(' ') => {}
            '.' | ',' | '?' | '!' => {
                while out.ends_with(' ') {
                    out.pop();
                }
                if !out.is_empty() && !out.ends_with(['.', ',', '?', '!']) {
                    out.push(c);
                    out.push(' ');
                }
            }
            _ => out.push(c),
        }
    }
    out.trim_end().to_string()
}

/// Replaces digits and Latin letters with the Hangul a Korean reader says for them.
fn spell_out(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() * 2);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_digit() {
            let start = i;
            let (digits, grouped) = number_at(&chars, &mut i);
            // 010-1234-5678 is a phone number; 9-18 a range.
            let phone = (chars.get(i) == Some(&'-')
                && (digits.len() >= 3 || long_group(&chars, i, 1)))
                || (start > 0
                    && chars[start - 1] == '-'
                    && (digits.len() >= 3 || long_group(&chars, start - 1, -1)));
            let after: String = chars[i..].iter().take(2).collect();
            let n: u64 = digits.parse().unwrap_or(0);
            if phone
                || (digits.len() > 8 && !grouped)
                || (digits.len() > 1 && digits.starts_with('0'))
            {
                out.push_str(&digit_by_digit(&digits));
            } else if (1..100).contains(&n) && counts_natively(&after, n) {
                out.push_str(&native_korean(n));
            } else {
                out.push_str(&sino_korean(n));
            }
            continue;
        }
        let between_digits = i > 0
            && chars[i - 1].is_ascii_digit()
            && chars.get(i + 1).is_some_and(char::is_ascii_digit);
        if c == '-' && between_digits && (long_group(&chars, i, -1) || long_group(&chars, i, 1)) {
            // A phone number's hyphen is a short pause.
            out.push(',');
        } else if matches!(c, '-' | '–' | '~') && between_digits {
            // A range: 9–18시 is 구에서 열여덟 시.
            out.push_str("에서 ");
        } else if let Some(name) = letter_name(c) {
            // Letters are said one by one: no liaison between their names (엘 오, not 에로).
            if i > 0 && chars[i - 1].is_ascii_alphabetic() {
                out.push(' ');
            }
            out.push_str(name);
        } else {
            out.push(c);
        }
        i += 1;
    }
    out
}

/// Whether at least three digits run from `chars[from]` in direction `step` (exclusive).
fn long_group(chars: &[char], from: usize, step: isize) -> bool {
    let mut at = from as isize + step;
    let mut run = 0;
    while at >= 0 && chars.get(at as usize).is_some_and(char::is_ascii_digit) {
        run += 1;
        at += step;
    }
    run >= 3
}

/// The digits of the number starting at `chars[*i]` (moving `*i` past it) and whether it was
/// written in thousands groups: a comma counts only before exactly three digits (1,200 is one
/// number; 1,2 is two).
fn number_at(chars: &[char], i: &mut usize) -> (String, bool) {
    let mut digits = String::new();
    let mut grouped = false;
    while *i < chars.len() {
        if chars[*i].is_ascii_digit() {
            digits.push(chars[*i]);
            *i += 1;
            continue;
        }
        let group = chars
            .get(*i + 1..*i + 4)
            .is_some_and(|g| g.iter().all(char::is_ascii_digit))
            && !chars.get(*i + 4).is_some_and(char::is_ascii_digit);
        if chars[*i] == ',' && group && !digits.is_empty() {
            grouped = true;
            *i += 1;
            continue;
        }
        break;
    }
    (digits, grouped)
}

/// Whether `n` before the text `after` is counted in native Korean: 3개 세 개, 2시간 두 시간,
/// 9시 아홉 시 (but 13시 십삼 시, 3개월 삼 개월).
fn counts_natively(after: &str, n: u64) -> bool {
    if after.starts_with("개월") {
        return false;
    }
    if after.starts_with('시') && !after.starts_with("시간") {
        return n <= 12;
    }
    NATIVE_COUNTERS.iter().any(|c| after.starts_with(c))
}

const DIGITS: [&str; 10] = ["영", "일", "이", "삼", "사", "오", "육", "칠", "팔", "구"];

/// A number in Sino-Korean words, the way counts, prices and positions are read: 1 → 일,
/// 10 → 십 (not 일십), 1,200 → 천이백, 30,000 → 삼만.
fn sino_korean(n: u64) -> String {
    if n == 0 {
        return "영".into();
    }
    const GROUPS: [&str; 3] = ["", "만", "억"];
    let mut groups = Vec::new();
    let mut rest = n;
    while rest > 0 {
        groups.push(rest % 10_000);
        rest /= 10_000;
    }
    let mut out = String::new();
    for (index, &group) in groups.iter().enumerate().rev() {
        if group == 0 {
            continue;
        }
        // 만 alone is said without 일 (10,000 → 만).
        if !(group == 1 && index == 1) {
            out.push_str(&below_ten_thousand(group));
        }
        out.push_str(GROUPS.get(index).copied().unwrap_or(""));
    }
    out
}

fn below_ten_thousand(n: u64) -> String {
    const PLACES: [(u64, &str); 4] = [(1000, "천"), (100, "백"), (10, "십"), (1, "")];
    let mut out = String::new();
    for (place, name) in PLACES {
        let digit = (n / place % 10) as usize;
        if digit == 0 {
            continue;
        }
        if digit != 1 || place == 1 {
            out.push_str(DIGITS[digit]);
        }
        out.push_str(name);
    }
    out
}

/// Counters that take native Korean numbers: 9시 is 아홉 시, 2시간 두 시간, 6자리 여섯 자리
/// (minutes, numbers and prices stay Sino-Korean: 2분 is 이 분).
const NATIVE_COUNTERS: [&str; 6] = ["시", "개", "명", "살", "자리", "가지"];

/// A number from 1 to 99 in native Korean, in the form it takes before a counter (한, 두,
/// 세, 네, 스무).
fn native_korean(n: u64) -> String {
    const TENS: [&str; 10] = [
        "", "열", "스물", "서른", "마흔", "쉰", "예순", "일흔", "여든", "아흔",
    ];
    const ONES: [&str; 10] = [
        "", "한", "두", "세", "네", "다섯", "여섯", "일곱", "여덟", "아홉",
    ];
    let (tens, ones) = ((n / 10 % 10) as usize, (n % 10) as usize);
    if tens == 2 && ones == 0 {
        return "스무".into();
    }
    format!("{}{}", TENS[tens], ONES[ones])
}

/// Each digit on its own, 0 as 공 — how phone and reservation numbers are read.
fn digit_by_digit(digits: &str) -> String {
    digits
        .chars()
        .map(|d| match d {
            '0' => "공",
            d => DIGITS[d.to_digit(10).unwrap_or(0) as usize],
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The Korean name of a Latin letter (A → 에이).
fn letter_name(c: char) -> Option<&'static str> {
    const NAMES: [&str; 26] = [
        "에이",
        "비",
        "씨",
        "디",
        "이",
        "에프",
        "지",
        "에이치",
        "아이",
        "제이",
        "케이",
        "엘",
        "엠",
        "엔",
        "오",
        "피",
        "큐",
        "알",
        "에스",
        "티",
        "유",
        "브이",
        "더블유",
        "엑스",
        "와이",
        "제트",
    ];
    c.is_ascii_alphabetic()
        .then(|| NAMES[(c.to_ascii_uppercase() as u8 - b'A') as usize])
}

/// One word (a run of Hangul syllables) as phonemes, after the sound changes.
fn word_phonemes(word: &str) -> String {
    let mut syllables: Vec<Syllable> = word.chars().filter_map(decompose).collect();
    for i in 0..syllables.len().saturating_sub(1) {
        let (left, right) = syllables.split_at_mut(i + 1);
        join(&mut left[i], &mut right[0]);
    }
    if let Some(last) = syllables.last_mut() {
        last.last = last.last.map(final_sound);
    }
    let mut out = String::new();
    let mut before: Option<char> = None;
    for (i, s) in syllables.iter().enumerate() {
        out.push_str(initial_sound(s.initial, s.vowel, before, i == 0));
        out.push_str(vowel_sound(s, i == 0, i + 1 == syllables.len()));
        let next = syllables.get(i + 1).map(|n| n.initial);
        if let Some(last) = s.last {
            out.push_str(final_phoneme(last, next));
        }
        before = s.last;
    }
    out
}

/// Applies the sound changes between a syllable's final and the next syllable's initial.
fn join(left: &mut Syllable, right: &mut Syllable) {
    let Some(last) = left.last else { return };
    // ㅎ meets a stop: the two make one aspirated consonant (좋고 → 조코, 축하 → 추카).
    if let Some(kept) = without_h(last) {
        match right.initial {
            'ㄱ' | 'ㄷ' | 'ㅈ' => {
                right.initial = aspirated(right.initial);
                left.last = kept;
                return;
            }
            'ㅅ' => {
                right.initial = 'ㅆ';
                left.last = kept;
                return;
            }
            // 좋아요 → 조아요, 많이 → 마니
            'ㅇ' => {
                left.last = kept;
                if let Some(k) = kept {
                    left.last = None;
                    right.initial = k;
                }
                return;
            }
            'ㄴ' if kept.is_none() => {
                left.last = Some('ㄴ');
                return;
            }
            _ => left.last = kept.or(Some('ㄷ')),
        }
    }
    let Some(last) = left.last else { return };
    if right.initial == 'ㅎ' {
        // A stop before ㅎ: one aspirated consonant, palatalised before 이 (축하 → 추카,
        // 맞히다 → 마치다, 앉히다 → 안치다, 굳히다 → 구치다).
        let (stays, stop) = match last {
            'ㅈ' | 'ㅊ' => (None, 'ㅈ'),
            'ㄵ' => (Some('ㄴ'), 'ㅈ'),
            'ㄺ' => (Some('ㄹ'), 'ㄱ'),
            'ㄼ' => (Some('ㄹ'), 'ㅂ'),
            other => (None, final_sound(other)),
        };
        if matches!(stop, 'ㄱ' | 'ㄷ' | 'ㅂ' | 'ㅈ') {
            right.initial = palatalised(aspirated(stop), right.vowel);
            left.last = stays;
            return;
        }
    }
    // Liaison: a final moves into a following vowel-initial syllable (음악이 → 으마기).
    if right.initial == 'ㅇ' && last != 'ㅇ' {
        let (stays, moves) = split_cluster(last);
        left.last = stays;
        right.initial = palatalised(moves, right.vowel);
        return;
    }
    let last = final_sound(last);
    left.last = Some(last);
    match (last, right.initial) {
        // Nasalisation: a stop before a nasal becomes that place's nasal (합니다 → 함니다).
        ('ㄱ', 'ㄴ' | 'ㅁ') => left.last = Some('ㅇ'),
        ('ㄷ', 'ㄴ' | 'ㅁ') => left.last = Some('ㄴ'),
        ('ㅂ', 'ㄴ' | 'ㅁ') => left.last = Some('ㅁ'),
        // ㄹ after a stop or ㅁ/ㅇ is said ㄴ, and nasalises the stop (협력 → 혐녁, 종로 → 종노).
        ('ㄱ', 'ㄹ') => (left.last, right.initial) = (Some('ㅇ'), 'ㄴ'),
        ('ㅂ', 'ㄹ') => (left.last, right.initial) = (Some('ㅁ'), 'ㄴ'),
        ('ㄷ', 'ㄹ') => (left.last, right.initial) = (Some('ㄴ'), 'ㄴ'),
        ('ㅁ' | 'ㅇ', 'ㄹ') => right.initial = 'ㄴ',
        // Liquidisation: ㄴ and ㄹ side by side are both ㄹ (연락 → 열락, 설날 → 설랄).
        ('ㄴ', 'ㄹ') => left.last = Some('ㄹ'),
        ('ㄹ', 'ㄴ') => right.initial = 'ㄹ',
        // After a stop, a lax consonant is said tense (학교 → 학꾜, 입구 → 입꾸).
        ('ㄱ' | 'ㄷ' | 'ㅂ', initial) => right.initial = tensed(initial),
        _ => {}
    }
}

/// For a final containing ㅎ: what is left of it once the ㅎ is gone.
fn without_h(last: char) -> Option<Option<char>> {
    match last {
        'ㅎ' => Some(None),
        'ㄶ' => Some(Some('ㄴ')),
        'ㅀ' => Some(Some('ㄹ')),
        _ => None,
    }
}

/// A final before a vowel: what stays and what moves on (읽어 → 일거, 값이 → 갑시).
fn split_cluster(last: char) -> (Option<char>, char) {
    match last {
        'ㄳ' => (Some('ㄱ'), 'ㅆ'),
        'ㄵ' => (Some('ㄴ'), 'ㅈ'),
        'ㄺ' => (Some('ㄹ'), 'ㄱ'),
        'ㄻ' => (Some('ㄹ'), 'ㅁ'),
        'ㄼ' => (Some('ㄹ'), 'ㅂ'),
        'ㄽ' => (Some('ㄹ'), 'ㅆ'),
        'ㄾ' => (Some('ㄹ'), 'ㅌ'),
        'ㄿ' => (Some('ㄹ'), 'ㅍ'),
        'ㅄ' => (Some('ㅂ'), 'ㅆ'),
        single => (None, single),
    }
}

/// ㄷ and ㅌ before 이 are said ㅈ and ㅊ (굳이 → 구지, 같이 → 가치).
fn palatalised(initial: char, vowel: char) -> char {
    match (initial, vowel) {
        ('ㄷ', 'ㅣ') => 'ㅈ',
        ('ㅌ', 'ㅣ') => 'ㅊ',
        (c, _) => c,
    }
}

/// The seven sounds a syllable can end in (밖 → 박, 옷 → 옫, 값 → 갑, 닭 → 닥).
fn final_sound(last: char) -> char {
    match last {
        'ㄱ' | 'ㄲ' | 'ㅋ' | 'ㄳ' | 'ㄺ' => 'ㄱ',
        'ㄴ' | 'ㄵ' | 'ㄶ' => 'ㄴ',
        'ㄷ' | 'ㅅ' | 'ㅆ' | 'ㅈ' | 'ㅊ' | 'ㅌ' | 'ㅎ' => 'ㄷ',
        'ㄹ' | 'ㄼ' | 'ㄽ' | 'ㄾ' | 'ㅀ' => 'ㄹ',
        'ㅁ' | 'ㄻ' => 'ㅁ',
        'ㅂ' | 'ㅍ' | 'ㅄ' | 'ㄿ' => 'ㅂ',
        other => other,
    }
}

fn aspirated(c: char) -> char {
    match c {
        'ㄱ' => 'ㅋ',
        'ㄷ' => 'ㅌ',
        'ㅂ' => 'ㅍ',
        'ㅈ' => 'ㅊ',
        other => other,
    }
}

fn tensed(c: char) -> char {
    match c {
        'ㄱ' => 'ㄲ',
        'ㄷ' => 'ㄸ',
        'ㅂ' => 'ㅃ',
        'ㅅ' => 'ㅆ',
        'ㅈ' => 'ㅉ',
        other => other,
    }
}

/// Whether a vowel starts with the y glide or is ㅣ (where ㅅ is said [ɕ]).
fn front_high(vowel: char) -> bool {
    matches!(vowel, 'ㅣ' | 'ㅑ' | 'ㅒ' | 'ㅕ' | 'ㅖ' | 'ㅛ' | 'ㅠ' | 'ㅟ')
}

/// An initial consonant as IPA, after the previous syllable's final (`before`). Lax stops
/// are voiced between voiced sounds (아기 [aɡi]); tense ones are plain and unaspirated;
/// aspirated ones carry ʰ; ㄹ is a flap between vowels and [l] after ㄹ (달라 [talla]).
fn initial_sound(
    initial: char,
    vowel: char,
    before: Option<char>,
    word_start: bool,
) -> &'static str {
    let voiced = !word_start && matches!(before, None | Some('ㄴ' | 'ㄹ' | 'ㅁ' | 'ㅇ'));
    match initial {
        'ㄹ' if before == Some('ㄹ') => "l",
        'ㄱ' if voiced => "ɡ",
        'ㄱ' | 'ㄲ' => "k",
        'ㄷ' if voiced => "d",
        'ㄷ' | 'ㄸ' => "t",
        'ㅂ' if voiced => "b",
        'ㅂ' | 'ㅃ' => "p",
        'ㅈ' if voiced => "ʥ",
        'ㅈ' | 'ㅉ' => "ʨ",
        'ㅅ' | 'ㅆ' if front_high(vowel) => "ɕ",
        'ㅅ' | 'ㅆ' => "s",
        'ㅋ' => "kʰ",
        'ㅌ' => "tʰ",
        'ㅍ' => "pʰ",
        'ㅊ' => "ʨʰ",
        'ㄴ' => "n",
        'ㅁ' => "m",
        'ㄹ' => "ɾ",
        'ㅎ' => "h",
        _ => "",
    }
}

/// A vowel as IPA. After ㅈ/ㅉ/ㅊ the y glide is not heard (져 → 저). ㅢ is [ɰi] at a word's
/// start (의사), [i] after a consonant (희망 → 히망) and inside a word (회의실), and [e] at the end
/// of a longer word, where it is nearly always the particle (고객님의 → 고갱니메).
fn vowel_sound(syllable: &Syllable, word_start: bool, word_end: bool) -> &'static str {
    let palatal = matches!(syllable.initial, 'ㅈ' | 'ㅉ' | 'ㅊ');
    match syllable.vowel {
        'ㅏ' => "a",
        'ㅐ' | 'ㅔ' => "e",
        'ㅑ' if palatal => "a",
        'ㅑ' => "ja",
        'ㅒ' | 'ㅖ' if palatal => "e",
        'ㅒ' | 'ㅖ' => "je",
        'ㅓ' => "ʌ",
        'ㅕ' if palatal => "ʌ",
        'ㅕ' => "jʌ",
        'ㅗ' => "o",
        'ㅘ' => "wa",
        'ㅙ' | 'ㅚ' | 'ㅞ' => "we",
        'ㅛ' if palatal => "o",
        'ㅛ' => "jo",
        'ㅜ' => "u",
        'ㅝ' => "wʌ",
        'ㅟ' => "wi",
        'ㅠ' if palatal => "u",
        'ㅠ' => "ju",
        'ㅡ' => "ɯ",
        'ㅢ' if syllable.bare && word_start => "ɰi",
        'ㅢ' if syllable.bare && word_end => "e",
        'ㅢ' | 'ㅣ' => "i",
        _ => "",
    }
}

/// A syllable's final sound as IPA. A stop before another consonant is held, not released
/// (the voice's ʔ: 학교 [haʔkjo]); at the end of a word it is said.
fn final_phoneme(last: char, next_initial: Option<char>) -> &'static str {
    let held = next_initial.is_some_and(|n| n != 'ㅇ');
    match last {
        'ㄱ' | 'ㄷ' | 'ㅂ' if held => "ʔ",
        'ㄱ' => "k",
        'ㄷ' => "t",
        'ㅂ' => "p",
        'ㄴ' => "n",
        'ㄹ' => "l",
        'ㅁ' => "m",
        'ㅇ' => "ŋ",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sound changes, word by word, against the standard pronunciation.
    #[test]
    fn words_are_said_as_koreans_say_them() {
        for (written, said) in [
            ("합니다", "hamnida"),
            ("좋아요", "ʨoajo"),
            ("좋고", "ʨokʰo"),
            ("많이", "mani"),
            ("같이", "kaʨʰi"),
            ("음악이", "ɯmaɡi"),
            ("읽어", "ilɡʌ"),
            ("학교", "haʔkjo"),
            ("연락", "jʌllak"),
            ("종로", "ʨoŋno"),
            ("협력", "hjʌmnjʌk"),
            ("축하", "ʨʰukʰa"),
            ("전화", "ʨʌnhwa"),
            ("눌러", "nullʌ"),
            ("의사", "ɰisa"),
            ("희망", "himaŋ"),
            ("상담원", "saŋdamwʌn"),
            ("값", "kap"),
            ("맞히다", "maʨʰida"),
            ("앉히다", "anʨʰida"),
            ("굳히다", "kuʨʰida"),
            ("고객님의", "koɡeŋnime"),
            ("회의실", "hweiɕil"),
        ] {
            assert_eq!(phonemes(written), said, "{written}");
        }
    }

    #[test]
    fn numbers_are_read_in_sino_korean_and_phone_numbers_digit_by_digit() {
        assert_eq!(spell_out("3번"), "삼번");
        assert_eq!(spell_out("10분"), "십분");
        assert_eq!(spell_out("1,200원"), "천이백원");
        assert_eq!(spell_out("30000"), "삼만");
        assert_eq!(spell_out("10000"), "만");
        assert_eq!(spell_out("2026년"), "이천이십육년");
        assert_eq!(spell_out("0번"), "영번");
        assert_eq!(
            spell_out("오전 9시부터 6시까지"),
            "오전 아홉시부터 여섯시까지"
        );
        assert_eq!(
            spell_out("2시간, 20개, 32명, 6자리"),
            "두시간, 스무개, 서른두명, 여섯자리"
        );
        assert_eq!(spell_out("2분, 100시간"), "이분, 백시간");
        assert_eq!(spell_out("13시, 3개월"), "십삼시, 삼개월");
        assert_eq!(spell_out("1,2번"), "일,이번");
        assert_eq!(spell_out("100,000,000원"), "일억원");
        assert_eq!(spell_out("9–18시"), "구에서 십팔시");
        assert_eq!(spell_out("1588-1234"), "일 오 팔 팔,일 이 삼 사");
        assert_eq!(spell_out("01012345678"), "공 일 공 일 이 삼 사 오 육 칠 팔");
        assert_eq!(spell_out("ARS 상담"), "에이 알 에스 상담");
    }

    #[test]
    fn sentences_keep_their_pauses() {
        assert_eq!(
            phonemes("상담원 연결은 1번, 음성 메시지는 3번을 눌러 주세요."),
            "saŋdamwʌn jʌnɡjʌɾɯn ilbʌn, ɯmsʌŋ meɕiʥinɯn sambʌnɯl nullʌ ʨusejo."
        );
        assert_eq!(phonemes("  안녕하세요!  "), "annjʌŋhasejo!");
        assert_eq!(phonemes("Hello"), "eiʨʰi i el el o");
    }
}
