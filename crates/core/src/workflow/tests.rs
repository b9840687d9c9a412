//! Scenario traces of workflow runs on a virtual clock (expect_test snapshots), validation and
//! operating hours.

// A test picks an origin instant for its virtual clock; the code under test never reads it.
#![allow(clippy::disallowed_methods)]

use std::collections::BTreeMap;
use std::fmt::Write;

use chrono::{NaiveDate, TimeZone, Weekday};
use expect_test::{Expect, expect};

use super::*;

/// Unix milliseconds of a wall-clock time in Seoul.
fn seoul(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> i64 {
    chrono_tz::Asia::Seoul
        .with_ymd_and_hms(y, mo, d, h, mi, 0)
        .single()
        .expect("a time that exists in Seoul")
        .timestamp_millis()
}

/// Tuesday 1 December 2026, 10:00 in Seoul: office hours.
fn tuesday_morning() -> i64 {
    seoul(2026, 12, 1, 10, 0)
}

/// The same Tuesday at 20:00: closed.
fn tuesday_evening() -> i64 {
    seoul(2026, 12, 1, 20, 0)
}

fn speech(text: &str) -> Prompt {
    Prompt::Speech {
        language: Language::Korean,
        text: text.into(),
    }
}

fn step(name: &str, action: Action) -> Step {
    Step {
        name: name.into(),
        action,
    }
}

/// The "IVR 경험 설계하기" shape: operating hours, a menu, a reservation-number form, a tag
/// and two teams; a voicemail on 9.
fn reservations() -> Workflow {
    let steps = BTreeMap::from([
        (
            StepId(1),
            step(
                "운영시간 확인",
                Action::Branch {
                    arms: vec![BranchArm {
                        when: vec![Condition::OperatingHours],
                        next: StepId(2),
                    }],
                    otherwise: Some(StepId(3)),
                },
            ),
        ),
        (
            StepId(2),
            step(
                "메뉴",
                Action::Menu {
                    prompt: speech("예약 확인은 1번, 예약 변경은 2번, 메시지는 9번을 눌러 주세요."),
                    buttons: BTreeMap::from([(1, StepId(4)), (2, StepId(5)), (9, StepId(8))]),
                },
            ),
        ),
        (
            StepId(3),
            step(
                "미운영 안내",
                Action::Message {
                    prompt: speech("지금은 상담 시간이 아니에요."),
                    next: None,
                },
            ),
        ),
        (
            StepId(4),
            step(
                "예약 번호",
                Action::InputForm {
                    prompt: speech("예약 번호 여섯 자리를 눌러 주세요."),
                    label: "예약 번호".into(),
                    digits: 6,
                    next: Some(StepId(6)),
                },
            ),
        ),
        (
            StepId(5),
            step("예약 변경", Action::Assign(AssignTarget::Team(2))),
        ),
        (
            StepId(6),
            step(
                "예약 태그",
                Action::Tag {
                    tag: "예약".into(),
                    next: Some(StepId(7)),
                },
            ),
        ),
        (
            StepId(7),
            step("예약 확인", Action::Assign(AssignTarget::Team(1))),
        ),
        (
            StepId(8),
            step(
                "음성 사서함",
                Action::Voicemail {
                    prompt: speech("삐 소리 후 메시지를 남겨 주세요."),
                    max: Duration::from_secs(60),
                },
            ),
        ),
    ]);
    Workflow {
        trigger: Trigger::CustomerCalled,
        filters: Vec::new(),
        active: None,
        input_timeout: Duration::from_secs(5),
        first: StepId(1),
        steps,
    }
}

/// While a call waits: a message, an offer to call back on 1, and back to waiting.
fn waiting() -> Workflow {
    let steps = BTreeMap::from([
        (
            StepId(1),
            step(
                "대기 안내",
                Action::Menu {
                    prompt: speech("통화량이 많아요. 전화를 다시 받으시려면 1번을 눌러 주세요."),
                    buttons: BTreeMap::from([(1, StepId(2))]),
                },
            ),
        ),
        (
            StepId(2),
            step(
                "콜백 접수",
                Action::Callback {
                    next: Some(StepId(3)),
                },
            ),
        ),
        (
            StepId(3),
            step(
                "콜백 안내",
                Action::Message {
                    prompt: speech("순서가 되면 전화 드릴게요."),
                    next: None,
                },
            ),
        ),
    ]);
    Workflow {
        trigger: Trigger::WaitingInQueue {
            after: Duration::from_secs(60),
        },
        filters: Vec::new(),
        active: None,
        input_timeout: Duration::from_secs(5),
        first: StepId(1),
        steps,
    }
}

/// A run on a virtual clock, its outputs written down as they come.
struct Scenario {
    run: WorkflowRun,
    origin: Instant,
    now: Instant,
    trace: String,
}

impl Scenario {
    fn start(workflow: Workflow, unix_ms: i64) -> Scenario {
        let facts = CallFacts {
            caller: "+821098765432".into(),
            number: "+827076660100".into(),
            known_contact: true,
            fields: vec![("고객 등급".into(), "VIP".into())],
        };
        let origin = Instant::now();
        let run = WorkflowRun::start(
            origin,
            unix_ms,
            Arc::new(workflow),
            facts,
            Schedule::office_hours(),
        );
        let mut s = Scenario {
            run,
            origin,
            now: origin,
            trace: String::new(),
        };
        s.line("call arrives");
        s
    }

    fn line(&mut self, what: &str) {
        let t = self.now.duration_since(self.origin).as_secs_f64();
        writeln!(self.trace, "{t:>5.1}s {what}").unwrap();
        while let Some(o) = self.run.poll_output() {
            writeln!(self.trace, "       → {}", describe(&o)).unwrap();
        }
    }

    /// Moves the clock to `secs`, firing every deadline on the way.
    fn at(&mut self, secs: f64) -> &mut Self {
        let target = self.origin + Duration::from_secs_f64(secs);
        while let Some(deadline) = self.run.poll_timeout()
            && deadline <= target
        {
            self.now = deadline;
            self.run.handle_timeout(deadline);
            self.line("timeout");
        }
        self.now = target;
        self
    }

    fn press(&mut self, keys: &str) -> &mut Self {
        for c in keys.chars() {
            let key = Key::from_char(c).expect("a key");
            self.run.handle_input(self.now, RunInput::Key(key));
            self.line(&format!("caller presses {key}"));
        }
        self
    }

    fn prompt_ends(&mut self, id: u32) -> &mut Self {
        self.run
            .handle_input(self.now, RunInput::PromptFinished(PlayId(id)));
        self.line(&format!("prompt {id} ends"));
        self
    }

    fn hang_up(&mut self) -> &mut Self {
        self.run.handle_input(self.now, RunInput::CallerLeft);
        self.line("caller hangs up");
        self
    }

    fn check(&mut self, expected: Expect) {
        let done = if self.run.is_done() {
            "done"
        } else {
            "running"
        };
        writeln!(self.trace, "({done})").unwrap();
        expected.assert_eq(&self.trace);
    }
}

fn describe(o: &RunOutput) -> String {
    match o {
        RunOutput::Entered(s) => format!("enter {s}"),
        RunOutput::Play { id, prompt } => match prompt {
            Prompt::Speech { text, .. } => format!("play {} {text:?}", id.0),
            Prompt::Recording(r) => format!("play {} recording {r}", id.0),
        },
        RunOutput::StopPrompt => "stop prompt".into(),
        RunOutput::RecordVoicemail { max } => format!("beep, record up to {}s", max.as_secs()),
        RunOutput::SaveVoicemail => "save voicemail".into(),
        RunOutput::Pressed { step, key } => format!("{step} pressed {key}"),
        RunOutput::FormFilled { step, label, value } => {
            format!("{step} form {label:?} = {value:?}")
        }
        RunOutput::Tag(t) => format!("tag {t:?}"),
        RunOutput::SendSms(t) => format!("sms {t:?}"),
        RunOutput::KeepPlaceForCallback => "keep place for a callback".into(),
        RunOutput::Assign(t) => format!("assign {t:?}"),
        RunOutput::BackToQueue => "back to the queue".into(),
        RunOutput::EndCall(r) => format!("end call ({})", r.code()),
        RunOutput::Dropped(s) => format!("dropped at {s}"),
    }
}

#[test]
fn a_key_during_the_menu_cuts_it_short_and_the_form_reaches_the_team() {
    let mut s = Scenario::start(reservations(), tuesday_morning());
    s.at(2.0).press("1");
    // The cut-short menu's end comes late; it is not taken for the form's.
    s.at(4.0).prompt_ends(1);
    s.at(5.0).press("12345");
    s.at(6.0).press("6");
    s.check(expect![[r#"
          0.0s call arrives
               → enter #1
               → enter #2
               → play 1 "예약 확인은 1번, 예약 변경은 2번, 메시지는 9번을 눌러 주세요."
          2.0s caller presses 1
               → stop prompt
               → #2 pressed 1
               → enter #4
               → play 2 "예약 번호 여섯 자리를 눌러 주세요."
          4.0s prompt 1 ends
          5.0s caller presses 1
               → stop prompt
          5.0s caller presses 2
          5.0s caller presses 3
          5.0s caller presses 4
          5.0s caller presses 5
          6.0s caller presses 6
               → #4 form "예약 번호" = "123456"
               → enter #6
               → tag "예약"
               → enter #7
               → assign Team(1)
        (done)
    "#]]);
}

#[test]
fn star_and_unknown_keys_repeat_the_menu_and_silence_ends_the_call() {
    let mut s = Scenario::start(reservations(), tuesday_morning());
    s.at(3.0).prompt_ends(1);
    s.at(4.0).press("*");
    s.at(7.0).prompt_ends(2);
    s.at(8.0).press("7");
    s.at(9.0).prompt_ends(3);
    s.at(20.0);
    s.check(expect![[r#"
          0.0s call arrives
               → enter #1
               → enter #2
               → play 1 "예약 확인은 1번, 예약 변경은 2번, 메시지는 9번을 눌러 주세요."
          3.0s prompt 1 ends
          4.0s caller presses *
               → #2 pressed *
               → play 2 "예약 확인은 1번, 예약 변경은 2번, 메시지는 9번을 눌러 주세요."
          7.0s prompt 2 ends
          8.0s caller presses 7
               → #2 pressed 7
               → play 3 "예약 확인은 1번, 예약 변경은 2번, 메시지는 9번을 눌러 주세요."
          9.0s prompt 3 ends
         14.0s timeout
               → end call (workflow)
        (done)
    "#]]);
}

#[test]
fn after_hours_the_caller_hears_the_closed_message_and_the_call_is_not_in_operation() {
    let mut s = Scenario::start(reservations(), tuesday_evening());
    s.at(1.0).press("1");
    s.at(3.0).prompt_ends(1);
    s.check(expect![[r#"
          0.0s call arrives
               → enter #1
               → enter #3
               → play 1 "지금은 상담 시간이 아니에요."
          1.0s caller presses 1
          3.0s prompt 1 ends
               → end call (notInOperation)
        (done)
    "#]]);
}

#[test]
fn a_form_takes_hash_early_starts_over_on_star_and_keeps_what_was_typed_at_the_timeout() {
    let mut s = Scenario::start(reservations(), tuesday_morning());
    s.at(1.0).prompt_ends(1).press("1");
    s.at(2.0).prompt_ends(2).press("98*");
    s.at(3.0).prompt_ends(3).press("77#");
    s.check(expect![[r#"
          0.0s call arrives
               → enter #1
               → enter #2
               → play 1 "예약 확인은 1번, 예약 변경은 2번, 메시지는 9번을 눌러 주세요."
          1.0s prompt 1 ends
          1.0s caller presses 1
               → #2 pressed 1
               → enter #4
               → play 2 "예약 번호 여섯 자리를 눌러 주세요."
          2.0s prompt 2 ends
          2.0s caller presses 9
          2.0s caller presses 8
          2.0s caller presses *
               → #4 pressed *
               → play 3 "예약 번호 여섯 자리를 눌러 주세요."
          3.0s prompt 3 ends
          3.0s caller presses 7
          3.0s caller presses 7
          3.0s caller presses #
               → #4 form "예약 번호" = "77"
               → enter #6
               → tag "예약"
               → enter #7
               → assign Team(1)
        (done)
    "#]]);

    let mut s = Scenario::start(reservations(), tuesday_morning());
    s.at(1.0).prompt_ends(1).press("1");
    s.at(2.0).prompt_ends(2).press("123");
    s.at(30.0);
    s.check(expect![[r#"
          0.0s call arrives
               → enter #1
               → enter #2
               → play 1 "예약 확인은 1번, 예약 변경은 2번, 메시지는 9번을 눌러 주세요."
          1.0s prompt 1 ends
          1.0s caller presses 1
               → #2 pressed 1
               → enter #4
               → play 2 "예약 번호 여섯 자리를 눌러 주세요."
          2.0s prompt 2 ends
          2.0s caller presses 1
          2.0s caller presses 2
          2.0s caller presses 3
          7.0s timeout
               → #4 form "예약 번호" = "123"
               → enter #6
               → tag "예약"
               → enter #7
               → assign Team(1)
        (done)
    "#]]);

    let mut s = Scenario::start(reservations(), tuesday_morning());
    s.at(1.0).prompt_ends(1).press("1");
    s.at(2.0).prompt_ends(2).press("#");
    s.at(3.0).prompt_ends(3);
    s.at(30.0);
    s.check(expect![[r#"
          0.0s call arrives
               → enter #1
               → enter #2
               → play 1 "예약 확인은 1번, 예약 변경은 2번, 메시지는 9번을 눌러 주세요."
          1.0s prompt 1 ends
          1.0s caller presses 1
               → #2 pressed 1
               → enter #4
               → play 2 "예약 번호 여섯 자리를 눌러 주세요."
          2.0s prompt 2 ends
          2.0s caller presses #
               → #4 pressed #
               → play 3 "예약 번호 여섯 자리를 눌러 주세요."
          3.0s prompt 3 ends
          8.0s timeout
               → end call (workflow)
        (done)
    "#]]);
}

#[test]
fn a_voicemail_is_saved_on_hash_on_hanging_up_and_at_its_limit() {
    let voicemail = |end: &mut dyn FnMut(&mut Scenario)| {
        let mut s = Scenario::start(reservations(), tuesday_morning());
        s.at(1.0).press("9");
        s.at(3.0).prompt_ends(2);
        end(&mut s);
        s
    };
    voicemail(&mut |s| {
        s.at(10.0).press("5#");
    })
    .check(expect![[r#"
          0.0s call arrives
               → enter #1
               → enter #2
               → play 1 "예약 확인은 1번, 예약 변경은 2번, 메시지는 9번을 눌러 주세요."
          1.0s caller presses 9
               → stop prompt
               → #2 pressed 9
               → enter #8
               → play 2 "삐 소리 후 메시지를 남겨 주세요."
          3.0s prompt 2 ends
               → beep, record up to 60s
         10.0s caller presses 5
         10.0s caller presses #
               → save voicemail
               → end call (workflow)
        (done)
    "#]]);
    voicemail(&mut |s| {
        s.at(20.0).hang_up();
    })
    .check(expect![[r#"
          0.0s call arrives
               → enter #1
               → enter #2
               → play 1 "예약 확인은 1번, 예약 변경은 2번, 메시지는 9번을 눌러 주세요."
          1.0s caller presses 9
               → stop prompt
               → #2 pressed 9
               → enter #8
               → play 2 "삐 소리 후 메시지를 남겨 주세요."
          3.0s prompt 2 ends
               → beep, record up to 60s
         20.0s caller hangs up
               → save voicemail
               → end call (workflow)
        (done)
    "#]]);
    voicemail(&mut |s| {
        s.at(100.0);
    })
    .check(expect![[r#"
          0.0s call arrives
               → enter #1
               → enter #2
               → play 1 "예약 확인은 1번, 예약 변경은 2번, 메시지는 9번을 눌러 주세요."
          1.0s caller presses 9
               → stop prompt
               → #2 pressed 9
               → enter #8
               → play 2 "삐 소리 후 메시지를 남겨 주세요."
          3.0s prompt 2 ends
               → beep, record up to 60s
         63.3s timeout
               → save voicemail
               → end call (workflow)
        (done)
    "#]]);
}

#[test]
fn hanging_up_mid_menu_is_a_drop_at_that_step_and_ends_the_run() {
    let mut s = Scenario::start(reservations(), tuesday_morning());
    s.at(2.0).hang_up();
    s.at(3.0).prompt_ends(1).press("1");
    s.check(expect![[r#"
          0.0s call arrives
               → enter #1
               → enter #2
               → play 1 "예약 확인은 1번, 예약 변경은 2번, 메시지는 9번을 눌러 주세요."
          2.0s caller hangs up
               → dropped at #2
          3.0s prompt 1 ends
          3.0s caller presses 1
        (done)
    "#]]);
}

#[test]
fn a_waiting_caller_goes_back_to_the_queue_or_keeps_their_place_for_a_callback() {
    let mut s = Scenario::start(waiting(), tuesday_morning());
    s.at(4.0).prompt_ends(1);
    s.at(9.0);
    s.check(expect![[r#"
          0.0s call arrives
               → enter #1
               → play 1 "통화량이 많아요. 전화를 다시 받으시려면 1번을 눌러 주세요."
          4.0s prompt 1 ends
          9.0s timeout
               → back to the queue
        (done)
    "#]]);

    let mut s = Scenario::start(waiting(), tuesday_morning());
    s.at(2.0).press("1");
    s.at(4.0).prompt_ends(2);
    s.check(expect![[r#"
          0.0s call arrives
               → enter #1
               → play 1 "통화량이 많아요. 전화를 다시 받으시려면 1번을 눌러 주세요."
          2.0s caller presses 1
               → stop prompt
               → #1 pressed 1
               → enter #2
               → keep place for a callback
               → enter #3
               → play 2 "순서가 되면 전화 드릴게요."
          4.0s prompt 2 ends
               → end call (workflow)
        (done)
    "#]]);

    let mut message_only = waiting();
    message_only.steps.remove(&StepId(2));
    message_only.first = StepId(3);
    let mut s = Scenario::start(message_only, tuesday_morning());
    s.at(3.0).prompt_ends(1);
    s.check(expect![[r#"
          0.0s call arrives
               → enter #3
               → play 1 "순서가 되면 전화 드릴게요."
          3.0s prompt 1 ends
               → back to the queue
        (done)
    "#]]);
}

#[test]
fn a_loop_that_slipped_past_validation_ends_the_call_instead_of_spinning() {
    let mut w = reservations();
    w.first = StepId(20);
    w.steps.insert(
        StepId(20),
        step(
            "태그 A",
            Action::Tag {
                tag: "a".into(),
                next: Some(StepId(21)),
            },
        ),
    );
    w.steps.insert(
        StepId(21),
        step(
            "태그 B",
            Action::Tag {
                tag: "b".into(),
                next: Some(StepId(20)),
            },
        ),
    );
    let mut run = WorkflowRun::start(
        Instant::now(),
        tuesday_morning(),
        Arc::new(w),
        CallFacts::default(),
        Schedule::office_hours(),
    );
    let outputs: Vec<RunOutput> = std::iter::from_fn(|| run.poll_output()).collect();
    let entered = outputs
        .iter()
        .filter(|o| matches!(o, RunOutput::Entered(_)))
        .count();
    assert_eq!(entered, MAX_STEPS_WITHOUT_INPUT as usize);
    assert_eq!(
        outputs.last(),
        Some(&RunOutput::EndCall(MissedReason::Workflow))
    );
    assert!(run.is_done());
}

#[test]
fn filters_and_the_active_schedule_decide_whether_a_workflow_runs() {
    let facts = CallFacts {
        caller: "+821098765432".into(),
        number: "+827076660100".into(),
        known_contact: true,
        fields: vec![("고객 등급".into(), "VIP".into())],
    };
    let hours = Schedule::office_hours();
    let mut w = reservations();
    let verdict = |w: &Workflow, facts: &CallFacts, at: i64| w.applies(facts, at, &hours);
    assert!(verdict(&w, &facts, tuesday_evening()), "no filters: always");
    w.filters = vec![
        Condition::FieldEquals {
            key: "고객 등급".into(),
            value: "VIP".into(),
        },
        Condition::CallerPrefix("+8210".into()),
    ];
    assert!(verdict(&w, &facts, tuesday_morning()));
    let landline = CallFacts {
        caller: "+82212345678".into(),
        ..facts.clone()
    };
    assert!(!verdict(&w, &landline, tuesday_morning()), "prefix");
    w.filters = vec![Condition::Not(Box::new(Condition::KnownContact(true)))];
    assert!(!verdict(&w, &facts, tuesday_morning()), "not a stranger");
    w.filters = vec![Condition::OperatingHours];
    assert!(verdict(&w, &facts, tuesday_morning()));
    assert!(!verdict(&w, &facts, tuesday_evening()));
    w.filters.clear();
    w.active = Some(Schedule::office_hours());
    assert!(!verdict(&w, &facts, tuesday_evening()), "active schedule");
}

#[test]
fn operating_hours_follow_the_zone_night_shifts_and_holidays() {
    let office = Schedule::office_hours();
    assert!(office.is_open(seoul(2026, 12, 1, 9, 0)), "opens at 9:00");
    assert!(
        !office.is_open(seoul(2026, 12, 1, 18, 0)),
        "closes at 18:00"
    );
    assert!(!office.is_open(seoul(2026, 12, 5, 10, 0)), "Saturday");

    let mut holidays = office.clone();
    holidays.holidays = vec![NaiveDate::from_ymd_opt(2026, 12, 25).unwrap()];
    assert!(office.is_open(seoul(2026, 12, 25, 10, 0)));
    assert!(!holidays.is_open(seoul(2026, 12, 25, 10, 0)), "Christmas");

    // Friday 22:00 to Saturday 02:00.
    let night = Schedule {
        zone: chrono_tz::Asia::Seoul,
        periods: vec![OpenPeriod {
            day: Weekday::Fri,
            start: 22 * 60,
            end: 2 * 60,
        }],
        holidays: Vec::new(),
    };
    assert!(!night.is_open(seoul(2026, 12, 4, 21, 59)));
    assert!(night.is_open(seoul(2026, 12, 4, 23, 0)));
    assert!(night.is_open(seoul(2026, 12, 5, 1, 59)), "past midnight");
    assert!(!night.is_open(seoul(2026, 12, 5, 2, 0)));
    assert!(
        !night.is_open(seoul(2026, 12, 5, 23, 0)),
        "not on Saturday night"
    );

    // New York's 9:00 is 14:00 UTC in winter and 13:00 UTC in summer.
    let new_york = Schedule {
        zone: chrono_tz::America::New_York,
        ..office.clone()
    };
    let utc = |y, mo, d, h| {
        chrono::Utc
            .with_ymd_and_hms(y, mo, d, h, 0, 0)
            .unwrap()
            .timestamp_millis()
    };
    assert!(!new_york.is_open(utc(2026, 12, 1, 13)));
    assert!(new_york.is_open(utc(2026, 12, 1, 14)));
    assert!(new_york.is_open(utc(2026, 7, 7, 13)));
}

#[test]
fn validation_lists_every_problem_at_once() {
    let known = Known {
        recordings: [5].into(),
        teams: [1, 2].into(),
        managers: [7].into(),
    };
    assert_eq!(validate(&reservations(), &known), Vec::<Problem>::new());
    assert_eq!(validate(&waiting(), &known), Vec::<Problem>::new());

    let mut w = reservations();
    w.input_timeout = Duration::ZERO;
    w.filters = vec![Condition::CallerPrefix(" ".into())];
    // A button to nowhere, an unknown team, a recording never uploaded, a form of no digits.
    w.steps.insert(
        StepId(2),
        step(
            "메뉴",
            Action::Menu {
                prompt: Prompt::Recording(6),
                buttons: BTreeMap::from([
                    (1, StepId(4)),
                    (2, StepId(5)),
                    (3, StepId(99)),
                    (9, StepId(8)),
                ]),
            },
        ),
    );
    w.steps.insert(
        StepId(5),
        step("예약 변경", Action::Assign(AssignTarget::Team(3))),
    );
    if let Some(Step {
        action: Action::InputForm { digits, .. },
        ..
    }) = w.steps.get_mut(&StepId(4))
    {
        *digits = 0;
    }
    // A loop of messages and tags that never waits for a key, reached from nowhere, and a
    // second step named like the first; a callback outside a queue workflow.
    w.steps.insert(
        StepId(10),
        step(
            "안내 A",
            Action::Message {
                prompt: speech("A"),
                next: Some(StepId(11)),
            },
        ),
    );
    w.steps.insert(
        StepId(11),
        step(
            "운영시간 확인",
            Action::Tag {
                tag: "b".into(),
                next: Some(StepId(10)),
            },
        ),
    );
    w.steps
        .insert(StepId(12), step("콜백", Action::Callback { next: None }));
    if let Some(Step {
        action: Action::Message { prompt, .. },
        ..
    }) = w.steps.get_mut(&StepId(3))
    {
        *prompt = speech(&"가".repeat(MAX_SPEECH_CHARS + 1));
    }
    w.steps.insert(
        StepId(13),
        step(
            "빈 메뉴",
            Action::Menu {
                prompt: speech(" "),
                buttons: BTreeMap::from([(12, StepId(1))]),
            },
        ),
    );
    let problems: Vec<String> = validate(&w, &known)
        .iter()
        .map(ToString::to_string)
        .collect();
    expect![[r#"
        the input timeout must be 1 s to 120 s
        a filter condition is empty
        step #2 leads to #99, which does not exist
        step #2 has nothing to play
        step #3 speaks more than 500 characters; upload a recording
        the input form #4 must take 1 to 20 digits
        step #5 assigns to team 3, which does not exist
        step #12 offers a callback, which only a workflow for waiting calls can
        step #13 has nothing to play
        the menu #13 has a button on 12; buttons are 0–9
        two steps are named "운영시간 확인"
        no call can reach step #10
        no call can reach step #11
        no call can reach step #12
        no call can reach step #13
        steps #10 → #11 go round in a circle without waiting for a key"#]]
    .assert_eq(&problems.join("\n"));

    let empty = Workflow {
        steps: BTreeMap::new(),
        ..reservations()
    };
    assert_eq!(validate(&empty, &known), vec![Problem::NoSteps]);
}

/// A simulation as lines of a trace: every prompt lasts 3 s.
fn simulated(
    workflow: Workflow,
    unix_ms: i64,
    actions: &[CallerAction],
    queue: PretendQueue,
) -> String {
    let facts = CallFacts {
        caller: "+821012345678".into(),
        number: "+827076660100".into(),
        ..CallFacts::default()
    };
    let sim = simulate(
        Arc::new(workflow),
        (facts, Schedule::office_hours(), unix_ms),
        actions,
        queue,
        Instant::now(),
        |_| Duration::from_secs(3),
    );
    let mut out = String::new();
    for line in &sim.lines {
        let what = match &line.event {
            SimEvent::Played(Prompt::Speech { text, .. }) => format!("plays {text:?}"),
            other => format!("{other:?}"),
        };
        writeln!(out, "{:>5.1}s {what}", line.at.as_secs_f64()).unwrap();
    }
    writeln!(out, "({:?})", sim.end).unwrap();
    out
}

const OPEN_QUEUE: PretendQueue = PretendQueue {
    waiting: 4,
    nobody_available: false,
};

#[test]
fn the_simulator_walks_a_draft_with_the_callers_keys_and_stops_where_the_call_waits() {
    use CallerAction::{HangUp, Press, Silence};
    let key = |c| Press(Key::from_char(c).unwrap());
    // Nothing pressed yet: the menu waits.
    expect![[r#"
          0.0s Entered(StepId(1))
          0.0s Entered(StepId(2))
          0.0s plays "예약 확인은 1번, 예약 변경은 2번, 메시지는 9번을 눌러 주세요."
        (WaitsForCaller)
    "#]]
    .assert_eq(&simulated(
        reservations(),
        tuesday_morning(),
        &[],
        OPEN_QUEUE,
    ));
    let typed: Vec<CallerAction> = "1123456".chars().map(key).collect();
    expect![[r#"
          0.0s Entered(StepId(1))
          0.0s Entered(StepId(2))
          0.0s plays "예약 확인은 1번, 예약 변경은 2번, 메시지는 9번을 눌러 주세요."
          3.0s Pressed(StepId(2), Digit(1))
          3.0s Entered(StepId(4))
          3.0s plays "예약 번호 여섯 자리를 눌러 주세요."
          6.0s Typed { label: "예약 번호", value: "123456" }
          6.0s Entered(StepId(6))
          6.0s Tagged("예약")
          6.0s Entered(StepId(7))
          6.0s Queued(Team(1), 5)
        (Done)
    "#]]
    .assert_eq(&simulated(
        reservations(),
        tuesday_morning(),
        &typed,
        OPEN_QUEUE,
    ));
    // A full queue turns the caller away; off hours the closed message ends the call.
    let full = PretendQueue {
        waiting: 200,
        nobody_available: false,
    };
    expect![[r#"
          0.0s Entered(StepId(1))
          0.0s Entered(StepId(2))
          0.0s plays "예약 확인은 1번, 예약 변경은 2번, 메시지는 9번을 눌러 주세요."
          3.0s Pressed(StepId(2), Digit(2))
          3.0s Entered(StepId(5))
          3.0s TurnedAway(Team(2), ExceededQueue)
        (Done)
    "#]]
    .assert_eq(&simulated(
        reservations(),
        tuesday_morning(),
        &[key('2')],
        full,
    ));
    expect![[r#"
          0.0s Entered(StepId(1))
          0.0s Entered(StepId(3))
          0.0s plays "지금은 상담 시간이 아니에요."
          3.0s Ended(NotInOperation)
        (Done)
    "#]]
    .assert_eq(&simulated(
        reservations(),
        tuesday_evening(),
        &[],
        OPEN_QUEUE,
    ));
    // Silence ends the call at the input timeout; a voicemail keeps what was said on hang-up.
    expect![[r#"
          0.0s Entered(StepId(1))
          0.0s Entered(StepId(2))
          0.0s plays "예약 확인은 1번, 예약 변경은 2번, 메시지는 9번을 눌러 주세요."
          8.0s Ended(Workflow)
        (Done)
    "#]]
    .assert_eq(&simulated(
        reservations(),
        tuesday_morning(),
        &[Silence],
        OPEN_QUEUE,
    ));
    expect![[r#"
          0.0s Entered(StepId(1))
          0.0s Entered(StepId(2))
          0.0s plays "예약 확인은 1번, 예약 변경은 2번, 메시지는 9번을 눌러 주세요."
          3.0s Pressed(StepId(2), Digit(9))
          3.0s Entered(StepId(8))
          3.0s plays "삐 소리 후 메시지를 남겨 주세요."
          6.0s RecordsVoicemail
          6.0s VoicemailKept
          6.0s Ended(Workflow)
        (Done)
    "#]]
    .assert_eq(&simulated(
        reservations(),
        tuesday_morning(),
        &[key('9'), HangUp],
        OPEN_QUEUE,
    ));
}
