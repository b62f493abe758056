//! The case (信访事项): its vocabulary, state, commands, events, rules and clocks.

pub mod clocks;
pub mod command;
pub mod decide;
pub mod event;
pub mod model;
pub mod register;
pub mod state;

pub use clocks::{case_clocks, handling_clock, next_check, next_duty, CaseClock};
pub use command::{Command, PriorMatter, Register};
pub use decide::{decide, is_accused_unit, repeat_to_review, split_registration, Ctx};
pub use event::{ActorRef, CaseEvent, EventBody};
pub use model::*;
pub use register::{register, Registration};
pub use state::{Case, StageRecord, SubmissionRecord, Transfer};

impl Case {
    /// Rebuild a case from its event log (the first event must be `Registered`).
    pub fn replay<'a>(events: impl IntoIterator<Item = &'a CaseEvent>) -> Option<Case> {
        let mut it = events.into_iter();
        let first = it.next()?;
        let mut case = match &first.body {
            EventBody::Registered(c) => (**c).clone(),
            _ => return None,
        };
        case.apply(first);
        for ev in it {
            case.apply(ev);
        }
        Some(case)
    }
}
