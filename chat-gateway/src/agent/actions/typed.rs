//! A confirmation card answered by typing (faces without buttons: `/api/chat`, REST, `/v1`):
//! "yes" / "haan" / "ہاں" confirms the card still waiting in the thread, "no" / "nahi" /
//! "نہیں" cancels it, exactly as its buttons would.

use super::{Checked, emit};
use crate::agent::Agent;
use crate::agent::widgets::confirm;
use crate::chatkit::types::ThreadItem;
use crate::conversation::{Turn, TurnError, TurnSink};
use crate::store::Order;

impl Agent {
    /// A typed yes or no (faces without buttons) to the confirmation card still waiting in
    /// the thread's last few items: answers it as its buttons would, and returns the reply.
    /// `None` when the message is not such an answer or no card waits.
    pub(in crate::agent) async fn answer_by_message(
        &self,
        turn: &Turn,
        text: &str,
        out: &mut TurnSink,
    ) -> Result<Option<String>, TurnError> {
        let Some(yes) = confirm::spoken_answer(text) else { return Ok(None) };
        let recent = turn.store.list_items(&turn.user.id, &turn.thread.id, None, 8, Order::Desc).await?;
        let card = recent
            .data
            .into_iter()
            .filter_map(|r| serde_json::from_value::<ThreadItem>(r.json).ok())
            .find_map(|item| confirm::pending(&item.body).map(|batch| (item, batch)));
        let Some((card, batch)) = card else { return Ok(None) };
        let reply = if yes { batch.done() } else { batch.cancelled().to_owned() };
        let checked = if yes { Checked::Confirm(batch) } else { Checked::Cancel(batch) };
        let applied = self.apply_action(turn, checked, Some(&card)).await?;
        emit(applied, out).await?;
        Ok(Some(reply))
    }
}
