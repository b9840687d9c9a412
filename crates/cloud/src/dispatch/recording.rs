//! A call's recording as the dispatcher sees it: started when the customer and a manager are
//! both on the line, paused and resumed by any manager in the call (everyone in it sees the
//! state in `callState`), its rows queued to the writer.

use ringdesk_core::{CallId, ManagerId};
use ringdesk_store::time::now_ms;
use ringdesk_wire::{ErrorCode, ServerEvent};

use super::{Dispatcher, error};
use crate::recording::RecordingWrite;
use crate::room::RoomCommand;

impl Dispatcher {
    /// Starts the call's recording unless it already is.
    pub(super) fn start_recording(&mut self, call: CallId) {
        let Some(c) = self.calls.get_mut(&call) else {
            return;
        };
        if c.recording {
            return;
        }
        c.recording = true;
        c.room.send(RoomCommand::StartRecording);
        self.config.room.recordings.write(RecordingWrite::Started {
            call_id: call.0,
            channel_id: c.channel_id,
            at_ms: now_ms(),
        });
        self.publish_call_state(call);
    }

    /// A manager pauses or resumes the recording.
    pub(super) fn set_recording_paused(
        &mut self,
        manager: ManagerId,
        session: u64,
        call: CallId,
        paused: bool,
    ) {
        let in_call = self
            .switchboard
            .view(call)
            .is_some_and(|v| v.managers.contains(&manager));
        let refusal = match self.calls.get_mut(&call) {
            _ if !in_call => Some((
                ErrorCode::NotInCall,
                format!("you are not in call {}", call.0),
            )),
            None => Some((
                ErrorCode::UnknownCall,
                format!("call {} is not active", call.0),
            )),
            Some(c) if !c.recording => Some((
                ErrorCode::NotRecording,
                format!("call {} is not being recorded", call.0),
            )),
            Some(c) => {
                if c.recording_paused != paused {
                    c.recording_paused = paused;
                    c.room.send(RoomCommand::PauseRecording(paused));
                }
                None
            }
        };
        match refusal {
            Some((code, why)) => self.send_to(manager, Some(session), error(code, why)),
            None => self.publish_call_state(call),
        }
    }

    /// The room paused or resumed the recording `at_ms` into it.
    pub(super) fn recording_paused(&mut self, call: CallId, paused: bool, at_ms: u64) {
        self.config.room.recordings.write(RecordingWrite::Paused {
            call_id: call.0,
            at_ms: at_ms as i64,
            paused,
        });
    }

    /// Tells everyone in the call how it stands now.
    pub(super) fn publish_call_state(&self, call: CallId) {
        let state = self
            .switchboard
            .view(call)
            .and_then(|v| self.call_state(call, &v));
        if let Some(state) = state {
            self.tell_call(call, &ServerEvent::CallState(Box::new(state)));
        }
    }
}
