//! The indicators of the dashboard in one list: what each counts (numerator,
//! denominator, the date that puts it in the period), where the rule comes
//! from, and — from a `stats_overview` — its figures with the case lists
//! that count them. The cards, the indicator table and the 指标口径 page are
//! all read from here, so a definition cannot say one thing and a figure
//! count another.

use xinfang_app::stats::Overview;

/// Whether a rise is good news (colours the change against the last period).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Better {
    Higher,
    Lower,
    /// A volume: neither.
    Neither,
}

/// What the case list behind a figure states equal to it: its total of
/// 信访事项, or the 件次 / 来访批次 / 人次 it was filtered on.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Counted {
    Cases,
    Submissions,
    Batches,
    Persons,
}

impl Counted {
    /// The id of the list's figure (`case_list`: `total`, `submissions`, …).
    pub fn key(self) -> &'static str {
        match self {
            Counted::Cases => "total",
            Counted::Submissions => "submissions",
            Counted::Batches => "batches",
            Counted::Persons => "persons",
        }
    }
}

/// An indicator's definition.
pub struct Definition {
    /// Its key in `stats_overview`.
    pub key: &'static str,
    pub name: &'static str,
    /// The name on a card.
    pub short: &'static str,
    pub numerator: &'static str,
    /// Empty for a count.
    pub denominator: &'static str,
    /// The date that puts an item in the period.
    pub basis: &'static str,
    pub source: &'static str,
    pub better: Better,
}

const REGISTERED: &str = "《信访工作条例》第二十二条、第二十三条（收到信访事项应当予以登记）";

/// Every indicator, in the order of the indicator table.
pub const DEFINITIONS: &[Definition] = &[
    Definition {
        key: "submissions",
        name: "信访件次",
        short: "信访件次",
        numerator: "期间登记的来信、来访、网上信访、来电、传真件次；同一事项再次提出的另计一件次",
        denominator: "",
        basis: "件次登记日期",
        source: REGISTERED,
        better: Better::Neither,
    },
    Definition {
        key: "cases",
        name: "信访事项（登记）",
        short: "信访事项",
        numerator: "期间新登记的信访事项（一件事项可有多个件次，故事项数可少于件次数）",
        denominator: "",
        basis: "事项登记日期",
        source: REGISTERED,
        better: Better::Neither,
    },
    Definition {
        key: "batches",
        name: "来访批次",
        short: "来访批次",
        numerator: "期间登记的来访件次，每次来访（含集体访）计一批",
        denominator: "",
        basis: "件次登记日期",
        source: "《信访工作条例》第二十条（走访）",
        better: Better::Neither,
    },
    Definition {
        key: "persons",
        name: "来访人次",
        short: "来访人次",
        numerator: "期间各批来访的到访人数之和",
        denominator: "",
        basis: "件次登记日期",
        source: "《信访工作条例》第二十条（走访）",
        better: Better::Neither,
    },
    Definition {
        key: "collective_batches",
        name: "集体访批次",
        short: "集体访批次",
        numerator: "期间到访 5 人及以上的来访批次",
        denominator: "",
        basis: "件次登记日期",
        source: "《信访工作条例》第二十条第三款（多人走访推选代表，不超过 5 人）",
        better: Better::Lower,
    },
    Definition {
        key: "timely_acceptance_rate",
        name: "及时受理率",
        short: "及时受理率",
        numerator: "期限内完成转送、交办或书面告知的事项数",
        denominator: "转送、交办或书面告知期限在期间内届满的事项数（截至今日）",
        basis: "受理期限届满日",
        source: "《信访工作条例》第二十二条（15 日内转送、交办）、第二十三条（15 日内书面告知）",
        better: Better::Higher,
    },
    Definition {
        key: "on_time_completion_rate",
        name: "按期办结率",
        short: "按期办结率",
        numerator: "办理期限内办结的事项数",
        denominator: "办理期限在期间内届满的事项数（截至今日；已批准延期的按延长后的期限）",
        basis: "办理期限届满日",
        source: "《信访工作条例》第三十四条（60 日内办结，延长不超过 30 日）",
        better: Better::Higher,
    },
    Definition {
        key: "participation_rate",
        name: "参评率",
        short: "参评率",
        numerator: "信访人已作出满意度评价的事项数",
        denominator: "期间送达书面答复（办结）的事项数",
        basis: "答复送达日",
        source: "《信访工作条例》第二十一条（信访人查询、评价办理情况）",
        better: Better::Higher,
    },
    Definition {
        key: "satisfaction_rate",
        name: "满意率",
        short: "满意率",
        numerator: "评价为满意或基本满意的事项数",
        denominator: "期间送达答复且已评价的事项数",
        basis: "答复送达日",
        source: "《信访工作条例》第二十一条（信访人查询、评价办理情况）",
        better: Better::Higher,
    },
    Definition {
        key: "first_time_resolution_rate",
        name: "一次性化解率",
        short: "一次性化解率",
        numerator: "办结后未请求复查、且 90 日内未就同一事项再次信访的事项数",
        denominator: "期间送达书面答复（办结）的事项数",
        basis: "答复送达日",
        source: "《信访工作条例》第三十五条（复查）、第三十六条（复核）",
        better: Better::Higher,
    },
    Definition {
        key: "repeat_rate",
        name: "重复信访率",
        short: "重复信访率",
        numerator: "就已登记事项再次提出的件次数",
        denominator: "期间登记的信访件次",
        basis: "件次登记日期",
        source: "《信访工作条例》第十九条第三款（已受理或者正在办理的，上级不予受理）",
        better: Better::Lower,
    },
    Definition {
        key: "skip_level_rate",
        name: "越级访占比",
        short: "越级访占比",
        numerator: "到本级或上一级以外的上级机关走访的批次",
        denominator: "期间登记的来访批次",
        basis: "件次登记日期",
        source: "《信访工作条例》第二十条第一款（到有权处理的本级或者上一级机关走访）",
        better: Better::Lower,
    },
    Definition {
        key: "online_share",
        name: "网信占比",
        short: "网信占比",
        numerator: "网上信访件次",
        denominator: "期间登记的信访件次",
        basis: "件次登记日期",
        source: "《信访工作条例》第二十一条（网上信访、来信、来访、来电在网上流转）",
        better: Better::Higher,
    },
    Definition {
        key: "county_and_below_share",
        name: "县及以下占比",
        short: "县及以下占比",
        numerator: "县级和乡级机关登记的件次（倒金字塔的底部）",
        denominator: "期间登记的信访件次",
        basis: "件次登记日期",
        source: "《信访工作条例》第五条第（五）项（把矛盾纠纷化解在基层）、第二十条第四款（落实属地责任，把问题解决在当地）",
        better: Better::Higher,
    },
];

/// A figure and the case list that counts it.
#[derive(Clone)]
pub struct Figure {
    pub n: i64,
    pub href: String,
    pub counted: Counted,
}

/// An indicator's value in one period.
pub struct Measure {
    pub def: &'static Definition,
    /// The count, or the rate (None: nothing in the denominator).
    pub count: Option<i64>,
    pub rate: Option<f64>,
    pub numerator: Figure,
    pub denominator: Option<Figure>,
}

impl Measure {
    pub fn is_rate(&self) -> bool {
        self.denominator.is_some()
    }

    /// The value as shown: "36", "25.0%", or "—" for a rate of nothing.
    pub fn text(&self) -> String {
        match (self.count, self.rate) {
            (Some(n), _) => n.to_string(),
            (None, Some(r)) => format!("{:.1}%", r * 100.0),
            (None, None) => "—".into(),
        }
    }
}

/// Every indicator's figures in `o` (a `stats_overview`), with their lists.
pub fn measures(o: &Overview) -> Vec<Measure> {
    let (from, to, due_to) = (o.from, o.to, o.due_to);
    let c = &o.counts;
    let subs = o.submissions;
    let fig = |n: i64, href: String, counted: Counted| Figure { n, href, counted };
    let p = |extra: &str| format!("/work/cases?from={from}&to={to}{extra}");
    let d = |extra: &str| format!("/work/cases?from={from}&to={due_to}{extra}");
    let sub = |extra: &str| p(&format!("&basis=submitted{extra}"));
    use Counted::*;
    DEFINITIONS
        .iter()
        .map(|def| {
            let (num, den) = match def.key {
                "submissions" => (fig(subs, sub(""), Submissions), None),
                "cases" => (fig(o.cases, p(""), Cases), None),
                "batches" => (fig(o.batches, sub("&visit=1"), Batches), None),
                "persons" => (fig(o.persons, sub("&visit=1"), Persons), None),
                "collective_batches" => (
                    fig(o.collective_batches, sub("&collective=1"), Batches),
                    None,
                ),
                "timely_acceptance_rate" => (
                    fig(
                        c.accept_in_time,
                        d("&basis=accept_due&fact=accept_in_time"),
                        Cases,
                    ),
                    Some(fig(c.accept_due, d("&basis=accept_due"), Cases)),
                ),
                "on_time_completion_rate" => (
                    fig(
                        c.handling_in_time,
                        d("&basis=handling_due&fact=handling_in_time"),
                        Cases,
                    ),
                    Some(fig(c.handling_due, d("&basis=handling_due"), Cases)),
                ),
                "participation_rate" => (
                    fig(c.evaluated, p("&basis=delivered&fact=evaluated"), Cases),
                    Some(fig(c.delivered, p("&basis=delivered"), Cases)),
                ),
                "satisfaction_rate" => (
                    fig(
                        c.satisfied_or_basically,
                        p("&basis=delivered&fact=satisfied"),
                        Cases,
                    ),
                    Some(fig(
                        c.evaluated,
                        p("&basis=delivered&fact=evaluated"),
                        Cases,
                    )),
                ),
                "first_time_resolution_rate" => (
                    fig(c.first_time, p("&basis=delivered&fact=first_time"), Cases),
                    Some(fig(c.delivered, p("&basis=delivered"), Cases)),
                ),
                "repeat_rate" => (
                    fig(c.repeats, sub("&repeat=1"), Submissions),
                    Some(fig(subs, sub(""), Submissions)),
                ),
                "skip_level_rate" => (
                    fig(c.skip_level_visits, sub("&skip_level=1"), Batches),
                    Some(fig(c.visits, sub("&visit=1"), Batches)),
                ),
                "online_share" => (
                    fig(c.online, sub("&channel=online"), Submissions),
                    Some(fig(subs, sub(""), Submissions)),
                ),
                _ => (
                    fig(
                        c.county_and_below,
                        sub("&level=county,township"),
                        Submissions,
                    ),
                    Some(fig(subs, sub(""), Submissions)),
                ),
            };
            let rate = den.as_ref().and_then(|_| o.figure(def.key));
            Measure {
                def,
                count: den.is_none().then_some(num.n),
                rate,
                numerator: num,
                denominator: den,
            }
        })
        .collect()
}

/// The change from `prev` to `cur` in words, and its CSS class: "good" or
/// "bad" news, "vol" for a volume (neither), "flat"; "" when either period
/// has no value.
pub fn change(cur: &Measure, prev: &Measure) -> (String, &'static str) {
    let (diff, text) = match (cur.count, prev.count, cur.rate, prev.rate) {
        (Some(c), Some(p), _, _) => {
            let d = (c - p) as f64;
            let pct = if p > 0 {
                format!("（{:+.1}%）", d * 100.0 / p as f64)
            } else {
                String::new()
            };
            (d, format!("{}{pct}", (c - p).abs()))
        }
        (None, None, Some(c), Some(p)) => {
            let d = (c - p) * 100.0;
            (d, format!("{:.1} 个百分点", d.abs()))
        }
        _ => return (String::new(), ""),
    };
    if diff.abs() < 0.05 {
        return ("持平".into(), "flat");
    }
    let arrow = if diff > 0.0 { "▲" } else { "▼" };
    let class = match (cur.def.better, diff > 0.0) {
        (Better::Neither, _) => "vol",
        (Better::Higher, true) | (Better::Lower, false) => "good",
        _ => "bad",
    };
    (format!("{arrow} {text}"), class)
}

#[cfg(test)]
mod tests {
    use super::*;
    use xinfang_app::stats::{LevelDistribution, OverviewFigures};

    /// An overview of [from, to] with these figures, every other one nothing.
    fn overview(
        (from, to): (&str, &str),
        submissions: i64,
        (satisfaction_rate, timely_acceptance_rate): (Option<f64>, Option<f64>),
        (accept_due, accept_in_time): (i64, i64),
    ) -> Overview {
        let day = |d: &str| d.parse().unwrap();
        Overview {
            from: day(from),
            to: day(to),
            unit: 1,
            submissions,
            cases: 0,
            batches: 0,
            persons: 0,
            timely_acceptance_rate,
            on_time_completion_rate: None,
            participation_rate: None,
            satisfaction_rate,
            first_time_resolution_rate: None,
            repeat_rate: None,
            skip_level_rate: None,
            online_share: None,
            collective_batches: 0,
            level_distribution: LevelDistribution {
                national: 0,
                provincial: 0,
                municipal: 0,
                county: 0,
                township: 0,
            },
            county_and_below_share: None,
            due_to: day(to),
            counts: OverviewFigures {
                accept_due,
                accept_in_time,
                handling_due: 0,
                handling_in_time: 0,
                delivered: 0,
                evaluated: 0,
                satisfied_or_basically: 0,
                first_time: 0,
                repeats: 0,
                online: 0,
                visits: 0,
                skip_level_visits: 0,
                county_and_below: 0,
            },
        }
    }

    #[test]
    fn definitions_say_what_the_domain_computes() {
        let first = DEFINITIONS
            .iter()
            .find(|d| d.key == "first_time_resolution_rate")
            .unwrap();
        let window = xinfang_domain::metrics::FIRST_TIME_WINDOW_DAYS;
        assert!(first.numerator.contains(&format!("{window} 日")));
        for (i, d) in DEFINITIONS.iter().enumerate() {
            assert!(d.source.starts_with("《信访工作条例》第"), "{}", d.name);
            assert!(!d.numerator.is_empty() && !d.basis.is_empty(), "{}", d.name);
            assert!(DEFINITIONS[i + 1..].iter().all(|e| e.key != d.key));
        }
    }

    #[test]
    fn a_rate_of_nothing_is_a_dash_and_its_change_unmarked() {
        let o = overview(("2026-03-01", "2026-03-31"), 4, (None, Some(0.5)), (2, 1));
        let p = overview(
            ("2026-01-29", "2026-02-28"),
            8,
            (Some(0.9), Some(0.25)),
            (4, 1),
        );
        let (cur, prev) = (measures(&o), measures(&p));
        let at = |key: &str| DEFINITIONS.iter().position(|d| d.key == key).unwrap();
        let sat = at("satisfaction_rate");
        assert_eq!(cur[sat].text(), "—");
        assert_eq!(change(&cur[sat], &prev[sat]), (String::new(), ""));
        let timely = at("timely_acceptance_rate");
        assert_eq!(cur[timely].text(), "50.0%");
        assert_eq!(
            change(&cur[timely], &prev[timely]),
            ("▲ 25.0 个百分点".to_string(), "good")
        );
        assert_eq!(
            cur[timely].numerator.href,
            "/work/cases?from=2026-03-01&to=2026-03-31&basis=accept_due&fact=accept_in_time"
        );
        let subs = at("submissions");
        assert_eq!(
            change(&cur[subs], &prev[subs]),
            ("▼ 4（-50.0%）".to_string(), "vol")
        );
    }
}
