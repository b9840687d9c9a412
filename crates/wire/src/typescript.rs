//! The UI's TypeScript contract, generated from this crate's types with ts-rs: one file per
//! contract in `ui/src/gen/`, committed. [`generated_files_are_committed`] fails when a
//! committed file differs from what the types generate now, and says how to regenerate:
//!
//! ```text
//! RINGDESK_UPDATE_TS=1 cargo test -p ringdesk-wire
//! ```
//!
//! so `cargo test --workspace` (CI) catches a type changed without its TypeScript. Each type is
//! listed below in its contract's file; [`every_type_is_generated`] fails when a new one is not.

use std::collections::BTreeSet;
use std::path::PathBuf;

use ts_rs::{Config, TS};

use crate::*;

/// Set to `1` to write the generated files instead of comparing them.
const UPDATE: &str = "RINGDESK_UPDATE_TS";

/// One generated file: its name in `ui/src/gen/`, the Rust module it comes from, and its
/// declarations in order.
struct File {
    name: &'static str,
    module: &'static str,
    decls: Vec<Decl>,
}

/// One exported TypeScript declaration and the type name it declares.
struct Decl {
    name: String,
    text: String,
}

/// `export type X = …;` with the type's doc comment, laid out for people.
fn decl<T: TS + 'static>(cfg: &Config) -> Decl {
    let text = format!("{}export {}\n", T::docs().unwrap_or_default(), T::decl(cfg));
    let laid_out = layout::declaration(&text);
    assert_eq!(
        layout::meaning(&laid_out),
        layout::meaning(&text),
        "laying out {} changed more than whitespace",
        T::ident(cfg)
    );
    Decl {
        name: T::ident(cfg),
        text: laid_out,
    }
}

/// A declaration written here rather than derived.
fn by_hand(name: &str, text: String) -> Decl {
    Decl {
        name: name.into(),
        text,
    }
}

macro_rules! decls {
    ($cfg:expr; $($ty:ty),+ $(,)?) => {
        vec![$(decl::<$ty>($cfg)),+]
    };
}

/// Every generated file, in its final form.
fn files() -> Vec<(&'static str, String)> {
    // JSON numbers are JavaScript numbers; ids and milliseconds stay far below 2^53.
    let cfg = &Config::new().with_large_int("number");
    let files = vec![
        File {
            name: "codes.ts",
            module: "codes",
            decls: decls![cfg;
                AgentStatus, TransferKind, ErrorCode, NotRingingReason, RingStopReason,
                HangupCause, EndCause, MissedReason, TransferOutcome, ParallelEndReason,
                PartyOutcome, CallDirection, ManagerRole, JoinPurpose, RecordingState,
                ConversationState, Sentiment, CustomerGrade, ProcessingStatus, TranscriptState, Speaker,
            ],
        },
        File {
            name: "rest.ts",
            module: "rest",
            decls: decls![cfg;
                ManagerInfo, LoginRequest, LoginResponse, ApiError, InternationalRate, DialPlan,
                DialCheck, MeetCallRequest, MeetCallResponse, MeetHangup, NetworkTestRequest, NetworkTestResponse, ChannelNumber, ContactInfo, ContactQuery, RecordingInfo, RecordingPause, TranscriptLine, RecordingRetention, Teammate,
                Team, CallRecord, CallbackRecord, CallSms, SmsRequest, CallInput, CallParty, CallManager, CallsQuery, CallPage,
            ],
        },
        File {
            name: "inbox.ts",
            module: "inbox",
            decls: decls![cfg;
                ConversationSource, ConversationSummary, ConversationDetail, ConversationNote,
                WrapUp, Classification, NewClassification, ConversationQuery, ConversationPage,
                SetConversationState, SetAssignee, SetTags, NewNote, BulkClose, BulkClosed,
                TranscriptQuery, TranscriptHit,
            ],
        },
        File {
            name: "contacts.ts",
            module: "contacts",
            decls: decls![cfg; ContactDetail, ContactForm],
        },
        File {
            name: "history.ts",
            module: "history",
            decls: decls![cfg; HistoryKind, HistoryOutcome, CallMedium, HistoryEntry, HistoryQuery],
        },
        File {
            name: "statistics.ts",
            module: "statistics",
            decls: decls![cfg;
                StatisticsQuery, MissedByReason, CallMetrics, TeamMetrics, QueueMetrics,
                StatusTimes, ManagerMetrics, DayTraffic, Statistics, AccessKey, NewAccessKey,
                CreatedAccessKey, CallsExportQuery, Wallboard, WaitingCaller, LiveManager,
                TodayFigures,
            ],
        },
        File {
            name: "callbacks.ts",
            module: "callbacks",
            decls: decls![cfg; Callback, NewCallback, CallbackQuery, SetCallbackDone],
        },
        File {
            name: "workflows.ts",
            module: "workflows",
            decls: decls![cfg;
                Weekday, SpeechLanguage, WorkflowRecipe, ProblemCode, OpenPeriod, OperatingHours,
                PromptSource, WorkflowCondition, BranchArm, MenuButton, WorkflowAction,
                WorkflowStep, WorkflowTrigger, WorkflowDefinition, WorkflowProblem,
                WorkflowSummary, WorkflowVersion, WorkflowDetail, NewWorkflow, SaveDraft,
                Published, PublishRefused, RollBack, WorkflowOrder, NumberWorkflow, PromptInfo,
                PromptUpload, StepAnalytics, KeyCount, AnalyticsQuery, QueueSettings,
                SimulationRequest, SimulatedCaller, SimulatedAction, SimulatedQueue,
                SimulationResult, SimulationEnd, SimulationLine, SimulationEvent, SpeechPreview,
            ],
        },
        File {
            name: "signaling.ts",
            module: "signaling",
            decls: decls![cfg;
                ProfileField, Caller, CallVia, Assignment, ClientMessage, ManagerRef, RingPurpose,
                ParallelState, RingingManager, TransferState, CallState, ServerMessage,
                ServerEvent,
            ],
        },
        File {
            name: "desktop.ts",
            module: "desktop",
            decls: {
                let mut d = vec![by_hand(
                    "Retagged",
                    concat!(
                        "/**\n",
                        " * A signaling event as the desktop RPC carries it: the same fields, with its kind\n",
                        " * named `event` instead of `type`.\n",
                        " */\n",
                        "export type Retagged<E> = E extends { type: infer K } ? Omit<E, \"type\"> & { event: K } : never;\n",
                    )
                    .into(),
                )];
                d.extend(decls![cfg;
                    AgentEvent, CallTargets, RecentCall, RecentCallOutcome, HotkeyAction,
                    HotkeyBinding, DesktopSettings, VoiceProcessing, CallVolume, NetworkTestResult, NetworkVerdict, NetworkIssue, AudioDeviceList, RecentCallLists, DeskState,
                    TrayState, Language, DesktopStartup, WorkspaceView,
                ]);
                d.push(by_hand("Events", desktop::events_typescript(cfg)));
                d.push(by_hand("Commands", desktop::commands_typescript(cfg)));
                d
            },
        },
    ];
    render(&files)
}

/// Adds each file's header and the imports of what it uses from the others.
fn render(files: &[File]) -> Vec<(&'static str, String)> {
    let home: Vec<(String, &str)> = files
        .iter()
        .flat_map(|f| f.decls.iter().map(|d| (d.name.clone(), f.name)))
        .collect();
    files
        .iter()
        .map(|f| {
            let body: String = f.decls.iter().map(|d| d.text.as_str()).collect::<Vec<_>>().join("\n");
            let code = without_comments(&body);
            let used = identifiers(&code);
            let mut imports = String::new();
            for other in files.iter().filter(|o| o.name != f.name) {
                let names: Vec<&str> = home
                    .iter()
                    .filter(|(n, file)| *file == other.name && used.contains(n.as_str()))
                    .map(|(n, _)| n.as_str())
                    .collect();
                if !names.is_empty() {
                    let module = other.name.trim_end_matches(".ts");
                    let line = format!(
                        "import type {{ {} }} from \"./{module}\";\n",
                        names.join(", ")
                    );
                    if line.len() <= 100 {
                        imports.push_str(&line);
                    } else {
                        imports.push_str(&format!(
                            "import type {{\n  {},\n}} from \"./{module}\";\n",
                            names.join(",\n  ")
                        ));
                    }
                }
            }
            if !imports.is_empty() {
                imports.push('\n');
            }
            let text = format!(
                "// Generated from crates/wire/src/{}.rs by its tests: do not edit. After changing the\n\
                 // types, regenerate with `{UPDATE}=1 cargo test -p ringdesk-wire`.\n\n{imports}{body}",
                f.module
            );
            (f.name, text)
        })
        .collect()
}

fn without_comments(ts: &str) -> String {
    let mut out = String::new();
    let mut rest = ts;
    while let Some(start) = rest.find("/**") {
        out.push_str(&rest[..start]);
        rest = rest[start..]
            .find("*/")
            .map_or("", |end| &rest[start + end + 2..]);
    }
    out.push_str(rest);
    out
}

fn identifiers(ts: &str) -> BTreeSet<&str> {
    ts.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .collect()
}

fn gen_dir() -> PathBuf {
    let crate_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    crate_dir.join("../../ui/src/gen")
}

#[test]
fn generated_files_are_committed() {
    let dir = gen_dir();
    let update = std::env::var(UPDATE).is_ok_and(|v| v == "1");
    let files = files();
    let mut stale = Vec::new();
    for (name, text) in &files {
        let path = dir.join(name);
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        if committed == *text {
            continue;
        }
        if update {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, text).unwrap();
            continue;
        }
        let line = committed
            .lines()
            .zip(text.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| committed.lines().count().min(text.lines().count()));
        stale.push(format!(
            "ui/src/gen/{name}, from line {}:\n  committed: {}\n  generated: {}",
            line + 1,
            committed.lines().nth(line).unwrap_or("(end of file)"),
            text.lines().nth(line).unwrap_or("(end of file)"),
        ));
    }
    let ours: BTreeSet<&str> = files.iter().map(|(n, _)| *n).collect();
    for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !ours.contains(name.as_str()) {
            if update {
                std::fs::remove_file(entry.path()).unwrap();
            } else {
                stale.push(format!("ui/src/gen/{name} is not generated any more"));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "The UI's generated TypeScript is stale:\n{}\n\nRegenerate it from the Rust types with\n\n    \
         {UPDATE}=1 cargo test -p ringdesk-wire\n\nand commit ui/src/gen/.",
        stale.join("\n")
    );
}

/// Every serde type of the crate is in a generated file: a new REST body or desktop type
/// reaches the UI without anyone remembering to list it.
#[test]
fn every_type_is_generated() {
    let sources = [
        include_str!("codes.rs"),
        include_str!("rest.rs"),
        include_str!("signaling.rs"),
        include_str!("desktop.rs"),
    ];
    // Rust-only: the parser's error (sent as `error`) and the shell's view of a command.
    let not_serde = ["MessageError", "Command"];
    let generated: BTreeSet<String> = files()
        .iter()
        .flat_map(|(_, text)| {
            identifiers(&without_comments(text))
                .into_iter()
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect();
    for source in sources {
        for line in source.lines() {
            let line = line.trim_start();
            let Some(rest) = line
                .strip_prefix("pub struct ")
                .or_else(|| line.strip_prefix("pub enum "))
            else {
                continue;
            };
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if name.starts_with('$') || name.is_empty() || not_serde.contains(&name.as_str()) {
                continue;
            }
            assert!(
                generated.contains(&name),
                "{name} is not in ui/src/gen: add it to the files of crates/wire/src/typescript.rs"
            );
        }
    }
}

/// ts-rs cannot read `#[serde(other)]` (a reader's fallback): check that each code's union
/// is exactly its codes, `unknown` included, so the UI's tables cover what can arrive.
#[test]
fn code_unions_are_the_codes() {
    let cfg = &Config::new();
    fn union<T: Copy>(all: &[T], as_str: fn(T) -> &'static str) -> String {
        all.iter()
            .map(|c| format!("\"{}\"", as_str(*c)))
            .collect::<Vec<_>>()
            .join(" | ")
    }
    let cases = [
        (AgentStatus::inline(cfg), union(AgentStatus::ALL, AgentStatus::as_str)),
        (TransferKind::inline(cfg), union(TransferKind::ALL, TransferKind::as_str)),
        (ErrorCode::inline(cfg), union(ErrorCode::ALL, ErrorCode::as_str)),
        (
            NotRingingReason::inline(cfg),
            union(NotRingingReason::ALL, NotRingingReason::as_str),
        ),
        (
            RingStopReason::inline(cfg),
            union(RingStopReason::ALL, RingStopReason::as_str),
        ),
        (HangupCause::inline(cfg), union(HangupCause::ALL, HangupCause::as_str)),
        (MissedReason::inline(cfg), union(MissedReason::ALL, MissedReason::as_str)),
        (
            TransferOutcome::inline(cfg),
            union(TransferOutcome::ALL, TransferOutcome::as_str),
        ),
        (
            ParallelEndReason::inline(cfg),
            union(ParallelEndReason::ALL, ParallelEndReason::as_str),
        ),
        (CallDirection::inline(cfg), union(CallDirection::ALL, CallDirection::as_str)),
        (ManagerRole::inline(cfg), union(ManagerRole::ALL, ManagerRole::as_str)),
        (JoinPurpose::inline(cfg), union(JoinPurpose::ALL, JoinPurpose::as_str)),
        (
            RecentCallOutcome::inline(cfg),
            union(RecentCallOutcome::ALL, RecentCallOutcome::as_str),
        ),
        (TrayState::inline(cfg), union(TrayState::ALL, TrayState::as_str)),
        (Language::inline(cfg), union(Language::ALL, Language::as_str)),
        (
            EndCause::inline(cfg),
            "\"left\" | \"transferred\" | \"transferCancelled\" | HangupCause".into(),
        ),
        (
            PartyOutcome::inline(cfg),
            "\"merged\" | \"unanswered\" | \"unreachable\" | \"partyLeft\" | \"ownerLeft\" | HangupCause"
                .into(),
        ),
    ];
    for (ts, codes) in cases {
        assert_eq!(ts, codes);
    }
}

/// Lays out a declaration as ts-rs prints it (one line, a block comment before each field)
/// the way a person would: one field per line, one union member per line when the union is
/// long, one-line doc comments on one line, rustdoc links as plain code. Only whitespace and
/// comment layout change; [`layout_changes_only_whitespace`] checks that.
mod layout {
    /// A token of ts-rs's output.
    #[derive(Debug, Clone, PartialEq)]
    enum Tok {
        /// A doc comment's lines, without the `*` margins.
        Doc(Vec<String>),
        /// A string literal with its quotes, or a word (name, keyword, number).
        Word(String),
        /// One of `{ } ( ) < > , ; : | & = ?`.
        Punct(char),
    }

    fn tokens(ts: &str) -> Vec<Tok> {
        let mut out = Vec::new();
        let mut rest = ts;
        while let Some(c) = rest.chars().next() {
            if c.is_whitespace() {
                rest = &rest[c.len_utf8()..];
            } else if let Some(after) = rest.strip_prefix("/**") {
                let end = after.find("*/").expect("a closed comment");
                let lines = after[..end]
                    .lines()
                    .map(|l| {
                        let l = l.trim_start();
                        let l = l.strip_prefix('*').unwrap_or(l);
                        l.strip_prefix(' ').unwrap_or(l).trim_end().to_string()
                    })
                    .skip_while(String::is_empty)
                    .collect::<Vec<_>>();
                let keep = lines
                    .iter()
                    .rposition(|l| !l.is_empty())
                    .map_or(0, |i| i + 1);
                out.push(Tok::Doc(
                    lines[..keep].iter().map(|l| plain_links(l)).collect(),
                ));
                rest = &after[end + 2..];
            } else if c == '"' {
                let end = rest[1..].find('"').expect("a closed string") + 2;
                out.push(Tok::Word(rest[..end].to_string()));
                rest = &rest[end..];
            } else if "{}()<>,;:|&=?".contains(c) {
                out.push(Tok::Punct(c));
                rest = &rest[1..];
            } else {
                let end = rest
                    .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$' || c == '.'))
                    .unwrap_or(rest.len());
                out.push(Tok::Word(rest[..end].to_string()));
                rest = &rest[end..];
            }
        }
        out
    }

    /// "[`crate::ApiError`]" → "`ApiError`": rustdoc links mean nothing in the UI's editor.
    fn plain_links(line: &str) -> String {
        let mut out = String::new();
        let mut rest = line;
        while let Some(start) = rest.find("[`") {
            let Some(end) = rest[start..].find("`]") else {
                break;
            };
            let path = &rest[start + 2..start + end];
            out.push_str(&rest[..start]);
            out.push('`');
            out.push_str(path.strip_prefix("crate::").unwrap_or(path));
            out.push('`');
            rest = &rest[start + end + 2..];
        }
        out.push_str(rest);
        out
    }

    #[derive(Debug)]
    enum Ty {
        Union(Vec<Ty>),
        Inter(Vec<Ty>),
        Obj(Vec<Field>),
        /// A name with its type arguments, or a literal.
        Atom(String, Vec<Ty>),
    }

    #[derive(Debug)]
    struct Field {
        docs: Vec<String>,
        key: String,
        optional: bool,
        ty: Ty,
    }

    struct Parser {
        toks: Vec<Tok>,
        at: usize,
    }

    impl Parser {
        fn peek(&self) -> Option<&Tok> {
            self.toks.get(self.at)
        }

        fn next(&mut self) -> Tok {
            self.at += 1;
            self.toks[self.at - 1].clone()
        }

        fn eat(&mut self, c: char) -> bool {
            if self.peek() == Some(&Tok::Punct(c)) {
                self.at += 1;
                true
            } else {
                false
            }
        }

        fn expect(&mut self, c: char) {
            assert!(self.eat(c), "expected {c:?} at {:?}", self.peek());
        }

        fn union(&mut self) -> Ty {
            let mut members = vec![self.inter()];
            while self.eat('|') {
                members.push(self.inter());
            }
            if members.len() == 1 {
                members.pop().unwrap()
            } else {
                Ty::Union(members)
            }
        }

        fn inter(&mut self) -> Ty {
            let mut parts = vec![self.atom()];
            while self.eat('&') {
                parts.push(self.atom());
            }
            if parts.len() == 1 {
                parts.pop().unwrap()
            } else {
                Ty::Inter(parts)
            }
        }

        fn atom(&mut self) -> Ty {
            if self.eat('{') {
                let mut fields = Vec::new();
                loop {
                    let docs = match self.peek() {
                        Some(Tok::Doc(_)) => match self.next() {
                            Tok::Doc(d) => d,
                            _ => unreachable!(),
                        },
                        _ => Vec::new(),
                    };
                    if self.eat('}') {
                        break;
                    }
                    let Tok::Word(key) = self.next() else {
                        panic!("a field name at {}", self.at)
                    };
                    let optional = self.eat('?');
                    self.expect(':');
                    let ty = self.union();
                    fields.push(Field {
                        docs,
                        key,
                        optional,
                        ty,
                    });
                    if !self.eat(',') && !self.eat(';') {
                        self.expect('}');
                        break;
                    }
                }
                return Ty::Obj(fields);
            }
            let Tok::Word(name) = self.next() else {
                panic!("a type at {}", self.at)
            };
            let mut args = Vec::new();
            if self.eat('<') {
                loop {
                    args.push(self.union());
                    if !self.eat(',') {
                        break;
                    }
                }
                self.expect('>');
            }
            Ty::Atom(name, args)
        }
    }

    /// Fits on one line: no doc comments inside, and short.
    fn inline(ty: &Ty) -> Option<String> {
        let text = match ty {
            Ty::Union(m) => m
                .iter()
                .map(inline)
                .collect::<Option<Vec<_>>>()?
                .join(" | "),
            Ty::Inter(p) => p
                .iter()
                .map(inline)
                .collect::<Option<Vec<_>>>()?
                .join(" & "),
            Ty::Obj(fields) if fields.is_empty() => "{}".into(),
            Ty::Obj(fields) => {
                let fields = fields
                    .iter()
                    .map(|f| {
                        f.docs.is_empty().then(|| {
                            let opt = if f.optional { "?" } else { "" };
                            Some(format!("{}{opt}: {}", f.key, inline(&f.ty)?))
                        })?
                    })
                    .collect::<Option<Vec<_>>>()?;
                format!("{{ {} }}", fields.join(", "))
            }
            Ty::Atom(name, args) if args.is_empty() => name.clone(),
            Ty::Atom(name, args) => format!(
                "{name}<{}>",
                args.iter()
                    .map(inline)
                    .collect::<Option<Vec<_>>>()?
                    .join(", ")
            ),
        };
        (text.len() <= 96).then_some(text)
    }

    fn docs(out: &mut String, docs: &[String], indent: &str) {
        match docs {
            [] => {}
            [one] => out.push_str(&format!("{indent}/** {one} */\n")),
            lines => {
                out.push_str(&format!("{indent}/**\n"));
                for l in lines {
                    let sep = if l.is_empty() { "" } else { " " };
                    out.push_str(&format!("{indent} *{sep}{l}\n"));
                }
                out.push_str(&format!("{indent} */\n"));
            }
        }
    }

    /// `ty` laid out over lines; `indent` is the indentation of the line it starts on.
    fn block(ty: &Ty, indent: &str) -> String {
        if let Some(line) = inline(ty) {
            return line;
        }
        match ty {
            Ty::Union(members) => members
                .iter()
                .map(|m| format!("\n{indent}  | {}", block(m, &format!("{indent}    "))))
                .collect(),
            Ty::Inter(parts) => parts
                .iter()
                .map(|p| block(p, indent))
                .collect::<Vec<_>>()
                .join(" & "),
            Ty::Obj(fields) => {
                let inner = format!("{indent}  ");
                let mut out = String::from("{\n");
                for f in fields {
                    docs(&mut out, &f.docs, &inner);
                    let opt = if f.optional { "?" } else { "" };
                    out.push_str(&format!(
                        "{inner}{}{opt}: {},\n",
                        f.key,
                        block(&f.ty, &inner)
                    ));
                }
                out.push_str(indent);
                out.push('}');
                out
            }
            Ty::Atom(name, args) => format!(
                "{name}<{}>",
                args.iter()
                    .map(|a| block(a, indent))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }

    /// Lays out `docs` + `export type Name = …;` as ts-rs printed them.
    pub fn declaration(text: &str) -> String {
        let mut p = Parser {
            toks: tokens(text),
            at: 0,
        };
        let mut out = String::new();
        if let Some(Tok::Doc(d)) = p.peek().cloned() {
            p.at += 1;
            docs(&mut out, &d, "");
        }
        let head: Vec<String> = (0..3)
            .map(|_| match p.next() {
                Tok::Word(w) => w,
                t => panic!("`export type Name` expected, not {t:?}"),
            })
            .collect();
        p.expect('=');
        let ty = p.union();
        p.expect(';');
        assert_eq!(p.peek(), None, "one declaration");
        let body = block(&ty, "");
        let eq = if body.starts_with('\n') { " =" } else { " = " };
        out.push_str(&format!("{}{eq}{body};\n", head.join(" ")));
        out
    }

    /// What a declaration says, blind to layout: its tokens, comments as their words, without
    /// separators and a union's optional leading `|`.
    pub fn meaning(text: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for t in tokens(text) {
            match t {
                Tok::Doc(lines) => out.extend(
                    lines
                        .iter()
                        .flat_map(|l| l.split_whitespace().map(str::to_string)),
                ),
                Tok::Word(w) => out.push(w),
                Tok::Punct(',' | ';') => {}
                Tok::Punct('|') if out.last().is_some_and(|t| t == "=") => {}
                Tok::Punct(c) => out.push(c.to_string()),
            }
        }
        out
    }
}
