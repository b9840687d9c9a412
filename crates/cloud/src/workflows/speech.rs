//! A workflow's spoken prompts rendered before it is published, and kept.

use std::sync::Arc;

use ringdesk_core::workflow::{Prompt, Workflow};
use ringdesk_store::time::now_ms;
use ringdesk_store::{Store, StoreError};

use crate::speech::{SpeechEngine, SpeechError, language_code};

/// Why a workflow's prompts could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum Rendering {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The engine could not speak one.
    #[error(transparent)]
    Speech(#[from] SpeechError),
}

/// Renders each spoken prompt of `workflow` that is not kept yet, and keeps it.
pub async fn render_speech(
    store: &Store,
    engine: &Arc<dyn SpeechEngine>,
    workflow: &Workflow,
) -> Result<(), Rendering> {
    for step in workflow.steps.values() {
        let Some(Prompt::Speech { language, text }) = step.action.prompt() else {
            continue;
        };
        let code = language_code(*language);
        if store.speech(code, text).await?.is_some() {
            continue;
        }
        let (engine, language, spoken) = (engine.clone(), *language, text.clone());
        let rendered = tokio::task::spawn_blocking(move || engine.render(language, &spoken))
            .await
            .map_err(|e| SpeechError::Failed(e.to_string()))??;
        let ms = rendered.duration_ms() as i64;
        store
            .save_speech(code, text, &rendered.to_wav(), ms, now_ms())
            .await?;
    }
    Ok(())
}
