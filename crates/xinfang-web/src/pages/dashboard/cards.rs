//! The big-number cards at the top of the dashboard: the volumes (件次,
//! 事项, 来访批次/人次, 集体访) and the assessed rates (三率, 一次性化解率,
//! 县及以下占比), each with the previous period beside it and the change
//! marked good or bad. Every number is a link to the case list that counts
//! it — the same lists the indicator table links to.

use super::indicators::{change, Figure, Measure};

/// Volume cards, then rate cards, by indicator key.
const VOLUMES: [&str; 4] = ["submissions", "cases", "batches", "collective_batches"];
const RATES: [&str; 6] = [
    "timely_acceptance_rate",
    "on_time_completion_rate",
    "participation_rate",
    "satisfaction_rate",
    "first_time_resolution_rate",
    "county_and_below_share",
];

/// A number on a card and the list behind it.
pub struct Number {
    pub text: String,
    pub href: String,
    /// Which figure of that list equals this number (`Counted::key`).
    pub counted: &'static str,
    pub unit: &'static str,
}

pub struct Card {
    pub key: &'static str,
    pub name: &'static str,
    pub current: Vec<Number>,
    pub previous: Vec<Number>,
    /// A rate's numerator and denominator.
    pub fraction: Option<(Number, Number)>,
    pub change: String,
    pub change_class: &'static str,
}

fn number(m: &Measure, unit: &'static str) -> Number {
    Number {
        text: m.text(),
        href: m.numerator.href.clone(),
        counted: m.numerator.counted.key(),
        unit: if m.is_rate() { "" } else { unit },
    }
}

fn card(key: &'static str, cur: &[Measure], prev: &[Measure]) -> Option<Card> {
    // Both lists come from `measures`, in the same order.
    let i = cur.iter().position(|m| m.def.key == key)?;
    let (c, p) = (&cur[i], prev.get(i)?);
    let unit = match key {
        "batches" | "collective_batches" => "批次",
        "cases" => "件",
        _ => "件次",
    };
    let (change, change_class) = change(c, p);
    let mut card = Card {
        key,
        name: c.def.short,
        current: vec![number(c, unit)],
        previous: vec![number(p, unit)],
        fraction: c.denominator.as_ref().map(|d| {
            let n = |f: &Figure| Number {
                text: f.n.to_string(),
                href: f.href.clone(),
                counted: f.counted.key(),
                unit: "",
            };
            (n(&c.numerator), n(d))
        }),
        change,
        change_class,
    };
    // 来访批次 and 人次 share a card.
    if key == "batches" {
        let persons = |list: &[Measure]| {
            list.iter()
                .find(|m| m.def.key == "persons")
                .map(|m| number(m, "人次"))
        };
        card.name = "来访批次/人次";
        card.current.extend(persons(cur));
        card.previous.extend(persons(prev));
    }
    Some(card)
}

/// (volume cards, rate cards) of the period `cur` against `prev`.
pub fn cards(cur: &[Measure], prev: &[Measure]) -> (Vec<Card>, Vec<Card>) {
    let make = |keys: &[&'static str]| -> Vec<Card> {
        keys.iter().filter_map(|k| card(k, cur, prev)).collect()
    };
    (make(&VOLUMES), make(&RATES))
}
