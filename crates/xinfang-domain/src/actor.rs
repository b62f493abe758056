//! Who is asking. Commands are checked against the actor's unit and roles;
//! the petitioner is an actor too (portal evaluation and review requests).

use crate::case::event::ActorRef;
use crate::org::{Role, UnitId, UserId};
use serde::{Deserialize, Serialize};

/// A logged-in staff member.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Staff {
    pub user: UserId,
    pub username: String,
    pub name: String,
    pub unit: UnitId,
    pub roles: Vec<Role>,
}

impl Staff {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
    pub fn has_any(&self, roles: &[Role]) -> bool {
        roles.iter().any(|r| self.has(*r))
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Actor {
    Staff(Staff),
    /// The petitioner, authenticated by case number and query code.
    Petitioner,
    /// Background jobs (clock scanner).
    System,
}

impl Actor {
    pub fn to_ref(&self) -> ActorRef {
        match self {
            Actor::Staff(s) => ActorRef::Staff {
                user: s.user,
                name: s.name.clone(),
                unit: s.unit,
            },
            Actor::Petitioner => ActorRef::Petitioner,
            Actor::System => ActorRef::System,
        }
    }
    pub fn staff(&self) -> Option<&Staff> {
        match self {
            Actor::Staff(s) => Some(s),
            _ => None,
        }
    }
}
