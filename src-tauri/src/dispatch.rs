//! The app's side of the UI's commands: the window host forwards each `invoke` as a name and
//! its JSON arguments ([`crate::ipc`]); [`dispatch`] decodes the arguments into the types
//! [`ringdesk_wire::COMMANDS`] declares, runs the command in [`crate::commands`] and encodes
//! its result. The match is generated from that one declaration, so a command the UI may call
//! and its handler here cannot disagree on a name, an argument or a result: the compiler
//! checks each.
//!
//! A plain `fn` handler is quick and local (mute, volume, the desk's state): it runs at once,
//! in the order the commands came — a volume slider's values must not land out of order. An
//! `async fn` handler waits on the cloud or a device and runs as a task of its own, so a slow
//! one never holds up the others (as Tauri runs its commands).

use std::future::Future;
use std::pin::Pin;

use serde::Serialize;
use serde_json::Value;
use tauri::AppHandle;

// The declaration names its types as the wire crate exports them.
#[allow(unused_imports)]
use ringdesk_wire::*;

use crate::commands;

/// What the UI gets: the result as JSON, or the error code or message it shows.
pub type Outcome = Result<Value, String>;

/// A command, run or under way.
pub enum Dispatched {
    /// A plain handler's outcome: it has run.
    Done(Outcome),
    /// An async handler's: await it apart from the others.
    Pending(Pin<Box<dyn Future<Output = Outcome> + Send>>),
}

/// What a command's handler gives back: its result, or that or a failure. Lets one generated
/// call site take both kinds of handler.
trait Reply<T> {
    fn reply(self) -> Result<T, String>;
}

impl<T> Reply<T> for T {
    fn reply(self) -> Result<T, String> {
        Ok(self)
    }
}

impl<T> Reply<T> for Result<T, String> {
    fn reply(self) -> Result<T, String> {
        self
    }
}

fn encode<R: Serialize>(result: Result<R, String>) -> Outcome {
    serde_json::to_value(result?).map_err(|e| e.to_string())
}

/// What a handler returned, before we know whether it is a future. The inherent `settle`
/// applies to futures only; for anything else the method is [`Immediate::settle`].
struct Handler<T>(T);

impl<F: Future + Send + 'static> Handler<F> {
    fn settle<R: Serialize>(self) -> Dispatched
    where
        F::Output: Reply<R>,
    {
        Dispatched::Pending(Box::pin(async move { encode(self.0.await.reply()) }))
    }
}

/// [`Handler::settle`] for a handler that has already run.
trait Immediate<T> {
    fn settle<R: Serialize>(self) -> Dispatched
    where
        T: Reply<R>;
}

impl<T> Immediate<T> for Handler<T> {
    fn settle<R: Serialize>(self) -> Dispatched
    where
        T: Reply<R>,
    {
        Dispatched::Done(encode(self.0.reply()))
    }
}

macro_rules! dispatch_commands {
    ($(fn $name:ident($($arg:ident: $ty:ty),*) -> $result:ty;)+) => {
        /// Runs the UI's command `command` with its arguments (an object, camelCase names, as
        /// `invoke` sends them): a plain handler at once, an async one as a future to await.
        /// An unknown command or bad arguments fail saying which.
        pub fn dispatch(app: AppHandle, command: &str, args: Value) -> Dispatched {
            match command {
                $(stringify!($name) => {
                    #[derive(serde::Deserialize)]
                    #[serde(rename_all = "camelCase")]
                    struct Args {
                        $($arg: $ty,)*
                    }
                    match serde_json::from_value::<Args>(args) {
                        Ok(Args { $($arg,)* }) => {
                            Handler(commands::$name(app, $($arg),*)).settle::<$result>()
                        }
                        Err(e) => Dispatched::Done(Err(format!(
                            "{}: bad arguments: {e}",
                            stringify!($name)
                        ))),
                    }
                })+
                other => Dispatched::Done(Err(format!("no such command: {other}"))),
            }
        }
    };
}

ringdesk_wire::for_each_desktop_command!(dispatch_commands);

#[cfg(test)]
mod tests {
    use super::*;

    /// Each handler's parameters after the app handle, as `(name, type)` with spaces removed,
    /// read from the source: the compiler checks types, not which argument goes where.
    fn handler_params(source: &str, name: &str) -> Vec<(String, String)> {
        let start = source
            .find(&format!("fn {name}("))
            .unwrap_or_else(|| panic!("no handler {name} in commands.rs"));
        let open = start + source[start..].find('(').unwrap() + 1;
        let (mut depth, mut params, mut current) = (0, Vec::new(), String::new());
        for c in source[open..].chars() {
            match c {
                '(' | '<' | '[' => depth += 1,
                ')' if depth == 0 => break,
                ')' | '>' | ']' => depth -= 1,
                ',' if depth == 0 => {
                    params.push(std::mem::take(&mut current));
                    continue;
                }
                _ => {}
            }
            current.push(c);
        }
        params.push(current);
        params
            .iter()
            .filter(|p| !p.trim().is_empty())
            .skip(1)
            .map(|p| {
                let (arg, ty) = p.split_once(':').unwrap();
                (arg.trim().to_string(), ty.split_whitespace().collect())
            })
            .collect()
    }

    #[test]
    fn every_handler_takes_the_declared_arguments_in_the_declared_order() {
        let source = include_str!("commands.rs");
        for command in ringdesk_wire::COMMANDS {
            let declared: Vec<(String, String)> = command
                .args
                .iter()
                .map(|(arg, ty)| (arg.to_string(), ty.split_whitespace().collect()))
                .collect();
            assert_eq!(
                handler_params(source, command.name),
                declared,
                "{}'s parameters differ from ringdesk_wire::COMMANDS",
                command.name
            );
        }
    }

    fn quick(n: u32) -> u32 {
        n + 1
    }

    fn refused() -> Result<u32, String> {
        Err("notInCall".into())
    }

    async fn slow(n: u32) -> Result<u32, String> {
        Ok(n * 2)
    }

    #[test]
    fn a_plain_handler_has_run_and_an_async_one_is_left_to_await() {
        match Handler(quick(1)).settle::<u32>() {
            Dispatched::Done(outcome) => assert_eq!(outcome, Ok(serde_json::json!(2))),
            Dispatched::Pending(_) => panic!("a plain handler was left pending"),
        }
        match Handler(refused()).settle::<u32>() {
            Dispatched::Done(outcome) => assert_eq!(outcome, Err("notInCall".to_string())),
            Dispatched::Pending(_) => panic!("a plain handler was left pending"),
        }
        match Handler(slow(21)).settle::<u32>() {
            Dispatched::Pending(running) => assert_eq!(
                tauri::async_runtime::block_on(running),
                Ok(serde_json::json!(42))
            ),
            Dispatched::Done(_) => panic!("an async handler was not awaited"),
        }
    }
}
