//! The intake benchmark's synthetic submissions, with ground truth for the
//! repeat check: ≈20% intended repeats (half verbatim copies through another
//! channel, half re-worded), and hard negatives — the same petitioner with a
//! different matter, the same petitioner with a similar matter in the same
//! field (another property, another amount), and another petitioner with a
//! copied text. Deterministic for a seed.

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use xinfang_app::demo::content::{fill, petitioner, TOPICS};
use xinfang_app::intake::IntakeRequest;
use xinfang_app::App;
use xinfang_app::AppError;
use xinfang_domain::case::Channel;
use xinfang_domain::{Actor, UnitLevel};

/// What the generator intended a submission to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Truth {
    /// A new matter.
    New,
    /// The same matter as submission `j` (should be linked to j's case).
    RepeatOf(usize),
    /// Same petitioner as `j`, a different matter (must not be linked).
    OtherMatter(usize),
    /// Same petitioner as `j`, same field but another property/amount (must not be linked).
    SimilarMatter(usize),
    /// Another petitioner sending `j`'s text (must not be linked).
    CopiedText(usize),
}

impl Truth {
    /// The earlier submission this one was made from, if any.
    pub fn refers_to(&self) -> Option<usize> {
        match *self {
            Truth::New => None,
            Truth::RepeatOf(j)
            | Truth::OtherMatter(j)
            | Truth::SimilarMatter(j)
            | Truth::CopiedText(j) => Some(j),
        }
    }
}

/// One generated submission.
#[derive(Clone, Debug)]
pub struct Item {
    pub req: IntakeRequest,
    /// Staff at the window for visits; None = the petitioner online.
    pub actor: Option<Actor>,
    pub truth: Truth,
    topic: usize,
}

const FOLLOW_UPS: &[&str] = &[
    "此前已经反映过，至今没有得到答复。",
    "上次信访后问题仍未解决，特再次反映。",
    "多次反映无果，现再次来信。",
    "问题拖了很久，家里生活受到严重影响。",
];
const REASONS: &[&str] = &[
    "请依法处理。",
    "请求依法依规处理，维护合法权益。",
    "望领导重视。",
    "相关单位违反规定，损害群众利益。",
];

/// Re-word a submission as a petitioner writing again would.
fn reword(r: &IntakeRequest, rng: &mut StdRng) -> IntakeRequest {
    let mut r = r.clone();
    if rng.gen_bool(0.5) {
        r.request = format!("再次{}", r.request);
    }
    let clauses: Vec<&str> = r.facts.split('，').collect();
    let keep = clauses.len().clamp(1, rng.gen_range(2..=4));
    let mut facts = clauses[..keep].join("，");
    if !facts.ends_with('。') {
        facts.push('。');
    }
    facts.push_str(FOLLOW_UPS.choose(rng).unwrap_or(&FOLLOW_UPS[0]));
    r.facts = facts;
    r.reasons = REASONS.choose(rng).unwrap_or(&REASONS[0]).to_string();
    r
}

/// `n` submissions. A submission that refers to an earlier one refers to
/// one at least `gap` places before it (so concurrent clients rarely wait).
pub async fn generate(app: &App, n: usize, seed: u64, gap: usize) -> Result<Vec<Item>, AppError> {
    let org = app.org();
    let mut regions: Vec<String> = org
        .units()
        .filter(|u| u.level == UnitLevel::Township)
        .map(|u| u.region_code.clone())
        .collect();
    regions.sort();
    regions.dedup();
    let users = app.store.list_users().await?;
    let desk = |unit| {
        users
            .iter()
            .find(|u| u.unit == unit && u.roles.contains(&xinfang_domain::Role::Registrar))
            .map(xinfang_app::auth::staff_of)
    };
    let mut rng = StdRng::seed_from_u64(seed);
    let mut out: Vec<Item> = Vec::with_capacity(n);
    for i in 0..n {
        let earlier = (i >= gap).then(|| rng.gen_range(0..=i - gap));
        let roll: f64 = rng.gen();
        let (mut req, truth, topic) = match earlier {
            Some(j) if roll < 0.20 => {
                let base = &out[j];
                let mut r = if rng.gen_bool(0.5) {
                    base.req.clone()
                } else {
                    reword(&base.req, &mut rng)
                };
                r.channel = *[Channel::Letter, Channel::Online]
                    .choose(&mut rng)
                    .unwrap_or(&Channel::Letter);
                r.persons = None;
                (r, Truth::RepeatOf(j), base.topic)
            }
            Some(j) if roll < 0.25 => {
                let base = &out[j];
                let mut t = rng.gen_range(0..TOPICS.len());
                if t == base.topic {
                    t = (t + 1) % TOPICS.len();
                }
                let mut r = fresh(t, &base.req.region_code, &mut rng);
                r.petitioners = base.req.petitioners.clone();
                (r, Truth::OtherMatter(j), t)
            }
            Some(j) if roll < 0.27 => {
                let base = &out[j];
                let mut r = fresh(base.topic, &base.req.region_code, &mut rng);
                r.petitioners = base.req.petitioners.clone();
                (r, Truth::SimilarMatter(j), base.topic)
            }
            Some(j) if roll < 0.30 => {
                let base = &out[j];
                let mut r = base.req.clone();
                r.petitioners = vec![petitioner(&mut rng, &base.req.region_code)];
                r.channel = Channel::Letter;
                r.persons = None;
                (r, Truth::CopiedText(j), base.topic)
            }
            _ => {
                let t = rng.gen_range(0..TOPICS.len());
                let region = regions.choose(&mut rng).cloned().unwrap_or_default();
                (fresh(t, &region, &mut rng), Truth::New, t)
            }
        };
        if truth == Truth::New && rng.gen_bool(0.03) {
            // 集体访: representatives at the window.
            req.channel = Channel::Visit;
            req.petitioners
                .extend((0..2).map(|_| petitioner(&mut rng, &req.region_code)));
            req.persons = Some(rng.gen_range(5..80));
        }
        let actor = match req.channel {
            Channel::Visit => {
                let bureau = xinfang_app::intake::bureau_for_region(&org, &req.region_code)
                    .ok_or(AppError::NotFound)?;
                Some(Actor::Staff(desk(bureau).ok_or(AppError::NotFound)?))
            }
            _ => None,
        };
        out.push(Item {
            req,
            actor,
            truth,
            topic,
        });
    }
    Ok(out)
}

/// A new online submission on topic `t` by a new petitioner.
fn fresh(t: usize, region: &str, rng: &mut StdRng) -> IntakeRequest {
    let topic = &TOPICS[t];
    let mut facts = fill(topic.facts, rng);
    if rng.gen_bool(0.02) {
        facts.push_str("再不解决我就去跳楼。");
    }
    IntakeRequest {
        channel: Channel::Online,
        kind: Some(topic.kind),
        petitioners: vec![petitioner(rng, region)],
        persons: None,
        request: fill(topic.request, rng),
        facts,
        reasons: "请依法处理。".into(),
        region_code: region.to_string(),
        accused: None,
        category: None,
        registering_unit: None,
        new_matter_reason: None,
    }
}
